import { Command, CommandRunner, Option } from 'nest-commander';

import { ApiKeysService } from '../api-keys';
import { printJson, printLine } from './cli-output';

@Command({ name: 'api-keys:list', description: 'list API keys (never the keys themselves)' })
export class ApiKeysListCommand extends CommandRunner {
  constructor(private readonly keys: ApiKeysService) {
    super();
  }

  async run(_args: string[], options: { json?: boolean }): Promise<void> {
    const keys = await this.keys.list();
    if (options.json) return printJson({ keys });
    if (keys.length === 0) return printLine('no API keys yet: create one with api-keys:create');
    for (const key of keys) {
      const state = key.revokedAt ? 'revoked' : key.active ? 'active' : 'inactive';
      printLine(
        [
          key.id,
          key.preview,
          key.scopes.join(','),
          state,
          `expires=${key.expiresAt ?? 'never'}`,
          `lastUsed=${key.lastUsedAt ?? 'never'}`,
          JSON.stringify(key.name),
        ].join('  '),
      );
    }
  }

  @Option({ flags: '--json', description: 'print one JSON object { keys: [...] }' })
  parseJson(): boolean {
    return true;
  }
}

import { Command, CommandRunner, Option } from 'nest-commander';

import { ApiKeysService } from '../api-keys';
import { CliError, printJson, printLine } from './cli-output';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Command({
  name: 'api-keys:revoke',
  description: 'revoke an API key at once (the row and its audit stay)',
})
export class ApiKeysRevokeCommand extends CommandRunner {
  constructor(private readonly keys: ApiKeysService) {
    super();
  }

  async run(_args: string[], options: { id: string; json?: boolean }): Promise<void> {
    if (!UUID.test(options.id))
      throw new CliError('--id: must be a key id (a UUID) from api-keys:list', 2);
    const revoked = await this.keys.revoke(options.id, { actorKeyId: null });
    if (options.json) return printJson({ id: revoked.id, revokedAt: revoked.revokedAt });
    printLine(`revoked API key ${revoked.id} "${revoked.name}"`);
  }

  @Option({ flags: '--id <id>', description: 'the key id (from api-keys:list)', required: true })
  parseId(value: string): string {
    return value;
  }

  @Option({ flags: '--json', description: 'print one JSON object' })
  parseJson(): boolean {
    return true;
  }
}

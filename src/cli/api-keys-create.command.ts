import { Command, CommandRunner, Option } from 'nest-commander';

import { ApiKeysService, futureInstant } from '../api-keys';
import { CreateApiKeyDto } from '../api-keys';
import { validateInput } from '../api-keys';
import { CliError, printJson, printLine } from './cli-output';

interface CreateOptions {
  name: string;
  scopes: string;
  expiresAt?: string;
  json?: boolean;
}

const OPTION_OF: Record<string, string> = {
  name: '--name',
  scopes: '--scopes',
  expiresAt: '--expires-at',
};

@Command({
  name: 'api-keys:create',
  description: 'mint an API key (the way to make the first admin key); the key is printed once',
})
export class ApiKeysCreateCommand extends CommandRunner {
  constructor(private readonly keys: ApiKeysService) {
    super();
  }

  async run(_args: string[], options: CreateOptions): Promise<void> {
    const { value, errors } = validateInput(CreateApiKeyDto, {
      name: options.name,
      scopes: options.scopes.split(',').map((scope) => scope.trim()),
      expiresAt: options.expiresAt,
    });
    if (errors.length) {
      throw new CliError(
        errors.map((e) => `${OPTION_OF[e.field] ?? e.field}: ${e.message}`).join('; '),
        2,
      );
    }
    let expiresAt: Date | null = null;
    try {
      if (value.expiresAt) expiresAt = futureInstant(value.expiresAt, new Date(), '--expires-at');
    } catch (error) {
      throw new CliError((error as Error).message, 2);
    }
    const created = await this.keys.create({ name: value.name, scopes: value.scopes, expiresAt });
    if (options.json) {
      return printJson({
        id: created.id,
        key: created.key,
        preview: created.preview,
        scopes: created.scopes,
      });
    }
    printLine(
      `created API key ${created.id} "${created.name}" (scopes: ${created.scopes.join(', ')})`,
    );
    printLine(created.key);
    printLine('Store this key now: it is never shown again (only its hash is kept).');
  }

  @Option({ flags: '--name <name>', description: 'who or what the key is for', required: true })
  parseName(value: string): string {
    return value;
  }

  @Option({
    flags: '--scopes <scopes>',
    description: 'comma-separated: read, admin',
    required: true,
  })
  parseScopes(value: string): string {
    return value;
  }

  @Option({
    flags: '--expires-at <iso>',
    description: 'ISO-8601 instant after which the key stops working',
  })
  parseExpiresAt(value: string): string {
    return value;
  }

  @Option({ flags: '--json', description: 'print one JSON object { id, key, preview, scopes }' })
  parseJson(): boolean {
    return true;
  }
}

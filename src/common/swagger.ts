import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

import { AppConfig } from '../config/app-config';
import { documentInfrastructureResponses } from './openapi-infrastructure-responses';

/** Swagger UI at /docs and the OpenAPI 3 document at /docs-json. */
export function setUpSwagger(app: INestApplication, config: AppConfig): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Market Data Warehouse')
      .setDescription(
        'Historical OHLCV bars collected from Polygon.io, validated and served fast. ' +
          'Errors are application/problem+json (RFC 9457).',
      )
      .setVersion(config.version)
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'api-key')
      .build(),
  );
  documentInfrastructureResponses(document);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    yamlDocumentUrl: 'docs-yaml',
    customSiteTitle: 'Market Data Warehouse API',
  });
}

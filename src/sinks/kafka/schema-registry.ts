import fs from 'node:fs';
import { createUndiciAgent } from '@platformatic/kafka';
import type { RegistryConfig } from '../../config/registry.ts';
import { UBPError } from '../../errors.ts';
import type { EventSchema, FetchedSchema } from '../../events/formats.ts';

/** The subject of a topic's record values by Confluent's TopicNameStrategy. */
export function valueSubject(topic: string): string {
  return `${topic}-value`;
}

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';
const TIMEOUT_MS = 10_000;

/**
 * The few calls of the Confluent Schema Registry API this tool makes: register a schema under a
 * subject (or look up its id there), and fetch a schema by id. @platformatic/kafka's registry
 * client fetches by id only and writes Protobuf without message indexes, so registration and
 * framing are ours; its undici agent helper gives TLS to fetch.
 */
export class SchemaRegistryClient {
  readonly url: string;
  readonly #init: RequestInit;

  constructor(config: RegistryConfig) {
    this.url = config.url;
    const headers: Record<string, string> = { Accept: CONTENT_TYPE };
    if (config.username !== null && config.password !== null) {
      headers.Authorization = `Basic ${Buffer.from(`${config.username}:${config.password.reveal()}`).toString('base64')}`;
    }
    const init: RequestInit = { headers };
    if (config.caFile !== null || config.certFile !== null) {
      const read = (file: string, what: string): Buffer => {
        try {
          return fs.readFileSync(file);
        } catch (err) {
          throw new UBPError(
            'CONFIG',
            `cannot read the schema registry ${what} ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
          );
        }
      };
      init.dispatcher = createUndiciAgent({
        connect: {
          ...(config.caFile !== null ? { ca: read(config.caFile, 'CA file') } : {}),
          ...(config.certFile !== null ? { cert: read(config.certFile, 'client certificate') } : {}),
          ...(config.keyFile !== null ? { key: read(config.keyFile, 'client key') } : {}),
        },
      });
    }
    this.#init = init;
  }

  /** Registers `schema` under `subject` (a no-op when it is there already) and returns its id. */
  async register(subject: string, schema: EventSchema): Promise<number> {
    const res = await this.#request('POST', `/subjects/${encodeURIComponent(subject)}/versions`, body(schema));
    if (res.status === 409) {
      throw new UBPError(
        'SCHEMA_REGISTRY',
        `the schema registry at ${this.url} refused ${schema.file} for subject ${subject}: it is not compatible with the versions registered there (${errorMessage(res.body)}); write to another topic, or change the subject's compatibility level`,
      );
    }
    if (res.status === 422) {
      throw new UBPError(
        'SCHEMA_REGISTRY',
        `the schema registry at ${this.url} found ${schema.file} invalid for subject ${subject} (${errorMessage(res.body)})`,
      );
    }
    return this.#id(res, `registering ${schema.file} under ${subject}`);
  }

  /** The id of `schema` under `subject`, which must have been registered there before. */
  async lookup(subject: string, schema: EventSchema): Promise<number> {
    const res = await this.#request('POST', `/subjects/${encodeURIComponent(subject)}`, body(schema));
    if (res.status === 404) {
      throw new UBPError(
        'SCHEMA_REGISTRY',
        `${schema.file} is not registered under subject ${subject} at ${this.url} (--no-auto-register; ${errorMessage(res.body)}): register it there first, or drop --no-auto-register`,
      );
    }
    return this.#id(res, `looking up ${schema.file} under ${subject}`);
  }

  /** A schema by its id, as record values name it. */
  async schemaById(id: number): Promise<FetchedSchema> {
    const res = await this.#request('GET', `/schemas/ids/${id}`);
    if (res.status === 404) throw new UBPError('SCHEMA_REGISTRY', `the schema registry at ${this.url} has no schema with id ${id}`);
    this.#ok(res, `fetching schema ${id}`);
    const got = res.body as { schema?: unknown; schemaType?: unknown };
    if (typeof got.schema !== 'string')
      throw new UBPError('SCHEMA_REGISTRY', `the schema registry at ${this.url} answered schema ${id} without its text`);
    return { schema: got.schema, ...(typeof got.schemaType === 'string' ? { schemaType: got.schemaType } : {}) };
  }

  #id(res: Answer, what: string): number {
    this.#ok(res, what);
    const id = (res.body as { id?: unknown }).id;
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id > 0xffffffff)
      throw new UBPError('SCHEMA_REGISTRY', `the schema registry at ${this.url} answered ${what} without a schema id`);
    return id;
  }

  #ok(res: Answer, what: string): void {
    if (res.status === 401 || res.status === 403) {
      throw new UBPError(
        'SCHEMA_REGISTRY',
        `the schema registry at ${this.url} refused us (HTTP ${res.status}) ${what}; check --schema-registry-user and its password (basic.auth.user.info or UBP_SCHEMA_REGISTRY_PASSWORD)`,
      );
    }
    if (res.status < 200 || res.status >= 300) {
      throw new UBPError(
        'SCHEMA_REGISTRY',
        `the schema registry at ${this.url} failed ${what} (HTTP ${res.status}: ${errorMessage(res.body)})`,
        {
          retriable: res.status >= 500,
        },
      );
    }
  }

  async #request(method: 'GET' | 'POST', path: string, payload?: string): Promise<Answer> {
    const headers = {
      ...(this.#init.headers as Record<string, string>),
      ...(payload !== undefined ? { 'Content-Type': CONTENT_TYPE } : {}),
    };
    let res: Response;
    try {
      res = await fetch(this.url + path, {
        ...this.#init,
        method,
        headers,
        ...(payload !== undefined ? { body: payload } : {}),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      const why =
        (err as Error).name === 'TimeoutError'
          ? `no answer in ${TIMEOUT_MS / 1000} s`
          : (cause?.code ?? cause?.message ?? (err as Error).message);
      throw new UBPError(
        'SCHEMA_REGISTRY',
        `cannot reach the schema registry at ${this.url} (${why}); check --schema-registry (npm run registry:start runs a local one)`,
        { cause: err, retriable: true },
      );
    }
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // An HTML error page from a proxy: kept as text for the message.
    }
    return { status: res.status, body: parsed };
  }
}

interface Answer {
  status: number;
  body: unknown;
}

function body(schema: EventSchema): string {
  return JSON.stringify({ schema: schema.text, schemaType: schema.schemaType });
}

/** The registry's own words: `{"error_code":409,"message":"..."}`, cut to one line. */
function errorMessage(body: unknown): string {
  const message = typeof body === 'object' && body !== null ? (body as { message?: unknown }).message : body;
  const text = String(message ?? '')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > 300 ? `${text.slice(0, 300)}…` : text || 'no message';
}

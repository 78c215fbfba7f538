import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The whole schema of DESIGN.md. Works on plain PostgreSQL (14+, for date_bin); when the
 * `timescaledb` extension is available the next migration turns `bars` into a hypertable.
 */
export class InitialSchema1732000000000 implements MigrationInterface {
  name = 'InitialSchema1732000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE symbols (
        symbol        text PRIMARY KEY CHECK (symbol ~ '^[A-Z0-9.:-]{1,24}$'),
        name          text,
        asset_class   text NOT NULL CHECK (asset_class IN ('stocks', 'crypto', 'forex', 'indices')),
        exchange      text,
        currency      text NOT NULL DEFAULT 'USD',
        time_zone     text NOT NULL DEFAULT 'America/New_York',
        timeframes    text[] NOT NULL DEFAULT '{1d}' CHECK (timeframes <@ ARRAY['1m', '1d']::text[]),
        backfill_from date,
        source        text NOT NULL DEFAULT 'polygon',
        active        boolean NOT NULL DEFAULT true,
        created_at    timestamptz NOT NULL DEFAULT now(),
        updated_at    timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX symbols_active_idx ON symbols (active, asset_class)`);

    // Stored base timeframes only (1m, 1d); everything else is aggregated on read.
    // Prices as double precision: PostgreSQL prints the shortest exact form, so a price comes back
    // exactly as the source sent it, and the hot path avoids numeric-to-string conversion.
    // No foreign key to symbols: it would cost a lookup per ingested row; symbols are never deleted.
    await q.query(`
      CREATE TABLE bars (
        symbol        text NOT NULL,
        timeframe     text NOT NULL CHECK (timeframe IN ('1m', '1d')),
        ts            timestamptz NOT NULL,
        open          double precision NOT NULL,
        high          double precision NOT NULL,
        low           double precision NOT NULL,
        close         double precision NOT NULL,
        volume        double precision NOT NULL,
        vwap          double precision,
        trades        bigint,
        source        text NOT NULL,
        quality_score real NOT NULL DEFAULT 1 CHECK (quality_score BETWEEN 0 AND 1),
        flags         text[] NOT NULL DEFAULT '{}',
        validated     boolean NOT NULL DEFAULT true,
        ingested_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (symbol, timeframe, ts),
        -- A plain column kept equal to the rule (not GENERATED: TimescaleDB compression and
        -- COPY staging are simpler without generated columns).
        CONSTRAINT bars_validated_rule CHECK (validated = (quality_score >= 0.85))
      )`);

    await q.query(`
      CREATE TABLE series_watermarks (
        symbol        text NOT NULL,
        timeframe     text NOT NULL CHECK (timeframe IN ('1m', '1d')),
        last_bar_at   timestamptz,
        covered_to    timestamptz,
        updated_at    timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (symbol, timeframe)
      )`);

    await q.query(`
      CREATE TABLE api_keys (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        key_hash      bytea NOT NULL UNIQUE,
        preview       text NOT NULL,
        scopes        text[] NOT NULL CHECK (scopes <@ ARRAY['read', 'admin']::text[] AND cardinality(scopes) > 0),
        active        boolean NOT NULL DEFAULT true,
        expires_at    timestamptz,
        last_used_at  timestamptz,
        created_at    timestamptz NOT NULL DEFAULT now(),
        updated_at    timestamptz NOT NULL DEFAULT now(),
        revoked_at    timestamptz,
        created_by    uuid REFERENCES api_keys (id),
        revoked_by    uuid REFERENCES api_keys (id)
      )`);

    await q.query(`
      CREATE TABLE api_key_audit (
        id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        action        text NOT NULL,
        api_key_id    uuid,
        actor_key_id  uuid,
        ip            text,
        user_agent    text,
        request_id    text,
        details       jsonb NOT NULL DEFAULT '{}',
        created_at    timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX api_key_audit_key_idx ON api_key_audit (api_key_id, id DESC)`);
    await q.query(
      `CREATE INDEX api_key_audit_action_idx ON api_key_audit (action, created_at DESC)`,
    );
    await q.query(`CREATE INDEX api_key_audit_created_idx ON api_key_audit (created_at DESC)`);
    // Append-only, enforced by the database: the application can insert audit rows but never
    // change or remove them.
    await q.query(`
      CREATE FUNCTION api_key_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'api_key_audit is append-only: % is not allowed', TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TRIGGER api_key_audit_no_update_delete
        BEFORE UPDATE OR DELETE ON api_key_audit
        FOR EACH ROW EXECUTE FUNCTION api_key_audit_append_only()`);
    await q.query(`
      CREATE TRIGGER api_key_audit_no_truncate
        BEFORE TRUNCATE ON api_key_audit
        FOR EACH STATEMENT EXECUTE FUNCTION api_key_audit_append_only()`);

    await q.query(`
      CREATE TABLE backfill_runs (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        trigger       text NOT NULL CHECK (trigger IN ('schedule', 'manual', 'cli', 'repair', 'demo')),
        status        text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'partial', 'failed', 'interrupted')),
        symbols       text[] NOT NULL DEFAULT '{}',
        timeframes    text[] NOT NULL DEFAULT '{}',
        from_date     date,
        to_date       date,
        bars_fetched  bigint NOT NULL DEFAULT 0,
        bars_written  bigint NOT NULL DEFAULT 0,
        series_total  integer NOT NULL DEFAULT 0,
        series_done   integer NOT NULL DEFAULT 0,
        error         text,
        requested_by  uuid,
        owner         text,
        created_at    timestamptz NOT NULL DEFAULT now(),
        started_at    timestamptz,
        finished_at   timestamptz
      )`);
    await q.query(`CREATE INDEX backfill_runs_created_idx ON backfill_runs (created_at DESC)`);
    // Backstop for the scheduler's advisory lock: at most one scheduled run is running at a time.
    await q.query(`
      CREATE UNIQUE INDEX backfill_runs_one_scheduled_running
        ON backfill_runs ((true)) WHERE status = 'running' AND trigger = 'schedule'`);

    await q.query(`
      CREATE TABLE backfill_run_series (
        run_id        uuid NOT NULL REFERENCES backfill_runs (id) ON DELETE CASCADE,
        symbol        text NOT NULL,
        timeframe     text NOT NULL CHECK (timeframe IN ('1m', '1d')),
        status        text NOT NULL CHECK (status IN ('pending', 'running', 'succeeded', 'failed', 'skipped', 'interrupted')),
        from_ts       timestamptz,
        to_ts         timestamptz,
        bars_fetched  bigint NOT NULL DEFAULT 0,
        bars_written  bigint NOT NULL DEFAULT 0,
        pages         integer NOT NULL DEFAULT 0,
        error         text,
        started_at    timestamptz,
        finished_at   timestamptz,
        PRIMARY KEY (run_id, symbol, timeframe)
      )`);
    await q.query(`CREATE INDEX backfill_run_series_symbol_idx ON backfill_run_series (symbol)`);

    await q.query(`
      CREATE TABLE data_gaps (
        id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        symbol        text NOT NULL,
        timeframe     text NOT NULL CHECK (timeframe IN ('1m', '1d')),
        from_ts       timestamptz NOT NULL,
        to_ts         timestamptz NOT NULL CHECK (to_ts >= from_ts),
        expected_bars integer,
        status        text NOT NULL CHECK (status IN ('open', 'not_yet_available', 'repaired', 'confirmed_empty')),
        detected_at   timestamptz NOT NULL DEFAULT now(),
        resolved_at   timestamptz,
        run_id        uuid,
        UNIQUE (symbol, timeframe, from_ts)
      )`);
    await q.query(`CREATE INDEX data_gaps_status_idx ON data_gaps (status, symbol)`);

    await q.query(`
      CREATE TABLE splits (
        id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        symbol         text NOT NULL,
        execution_date date NOT NULL,
        split_from     numeric NOT NULL CHECK (split_from > 0),
        split_to       numeric NOT NULL CHECK (split_to > 0),
        source         text NOT NULL DEFAULT 'polygon',
        created_at     timestamptz NOT NULL DEFAULT now(),
        UNIQUE (symbol, execution_date)
      )`);

    await q.query(`
      CREATE TABLE dividends (
        id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        symbol           text NOT NULL,
        ex_dividend_date date NOT NULL,
        pay_date         date,
        record_date      date,
        declaration_date date,
        cash_amount      numeric NOT NULL CHECK (cash_amount >= 0),
        currency         text NOT NULL DEFAULT 'USD',
        dividend_type    text NOT NULL DEFAULT 'CD',
        frequency        integer,
        source           text NOT NULL DEFAULT 'polygon',
        created_at       timestamptz NOT NULL DEFAULT now(),
        UNIQUE (symbol, ex_dividend_date, dividend_type)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS dividends`);
    await q.query(`DROP TABLE IF EXISTS splits`);
    await q.query(`DROP TABLE IF EXISTS data_gaps`);
    await q.query(`DROP TABLE IF EXISTS backfill_run_series`);
    await q.query(`DROP TABLE IF EXISTS backfill_runs`);
    await q.query(`DROP TABLE IF EXISTS api_key_audit`);
    await q.query(`DROP FUNCTION IF EXISTS api_key_audit_append_only()`);
    await q.query(`DROP TABLE IF EXISTS api_keys`);
    await q.query(`DROP TABLE IF EXISTS series_watermarks`);
    await q.query(`DROP TABLE IF EXISTS bars`);
    await q.query(`DROP TABLE IF EXISTS symbols`);
  }
}

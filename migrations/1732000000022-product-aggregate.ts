import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `mdw_product(numeric)`: the product of a column, as an aggregate and a window function.
 * Adjusted reads cumulate split ratios and dividend factors with it, exactly (a product through
 * exp(sum(ln(x))) would turn a 10-for-1 split into 9.999999999999998).
 */
export class ProductAggregate1732000000022 implements MigrationInterface {
  name = 'ProductAggregate1732000000022';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE AGGREGATE mdw_product(numeric)
         (SFUNC = numeric_mul, STYPE = numeric, INITCOND = '1', PARALLEL = SAFE)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP AGGREGATE mdw_product(numeric)`);
  }
}

// PostGraphile 5 for the benchmark: the "amber" preset with simplified names, in production
// shape (no GraphiQL, no watch, no explain). The suite copies this file next to its
// node_modules (bench/.work/postgraphile/) and sets FED_BENCH_PG_DSN and FED_BENCH_PORT.
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { PgSimplifyInflectionPreset } from "@graphile/simplify-inflection";
import { makePgService } from "postgraphile/adaptors/pg";

/** @type {GraphileConfig.Preset} */
const preset = {
  extends: [PostGraphileAmberPreset, PgSimplifyInflectionPreset],
  pgServices: [
    makePgService({
      connectionString: process.env.FED_BENCH_PG_DSN,
      schemas: ["public"],
      poolConfig: { max: Number(process.env.FED_BENCH_POOL ?? "8") },
    }),
  ],
  grafserv: { port: Number(process.env.FED_BENCH_PORT), host: "127.0.0.1", graphiql: false, watch: false },
  grafast: { explain: false },
  schema: { pgForbidSetofFunctionsToReturnNull: false },
};

export default preset;

// What the webhook test files share: fake trackers holding part of the demo corpus, a `next start` server
// configured against them and indexing with the sync tests' encoder (tests/helpers/sync-model.ts), and a
// Prisma client on the server's database for checking what was stored.
import { readFileSync } from "node:fs";
import { createPrisma, type PrismaClient } from "@/lib/db/client";
import { DEMO_PLANTED, TestServerUnavailable, type PlantedDraft, type TestServer } from "@/lib/offline/app-server";
import { demoReports, type DemoReport, type FakeTracker } from "@/tests/helpers/fake-http";
import { syncTestModel } from "@/tests/helpers/sync-model";
import { useTestServer } from "@/tests/helpers/suite";

/** The planted drafts (data/demo/planted.json) the webhook files deliver as new tracker issues. */
export const PLANTED: PlantedDraft[] = (JSON.parse(readFileSync(DEMO_PLANTED, "utf8")) as PlantedDraft[]).slice(0, 3);

/** The reports a fake tracker starts with: the first `first` of the demo corpus and every member of PLANTED's groups. */
export function trackerCorpus(first: number): DemoReport[] {
  const wanted = new Set(PLANTED.flatMap((p) => p.group));
  return demoReports().filter((r, i) => i < first || wanted.has(r.externalId));
}

export interface WebhookSuite {
  /** The running server, or null after skipping `t` (no encoder, no build). */
  server(t: { skip: (m: string) => void }): TestServer | null;
  /** A client on the server's database; only inside a test that did not skip. */
  readonly prisma: PrismaClient;
}

/**
 * Registers the file's hooks: start `fakes`, skip when the encoder is missing, start the server with
 * `env()` (read once the fakes listen, so it can name their addresses), open the Prisma client and run
 * `started`; at the end stop the server, close the client and stop the fakes.
 */
export function useWebhookServer(
  fakes: FakeTracker[],
  env: () => Record<string, string>,
  started?: (srv: TestServer, prisma: PrismaClient) => Promise<void>,
): WebhookSuite {
  let prisma: PrismaClient | null = null;
  const server = useTestServer(
    async () => {
      for (const fake of fakes) await fake.start();
      const model = syncTestModel();
      if ("missing" in model) throw new TestServerUnavailable(model.missing);
      return { seed: "none", modelDir: model.dir, env: env() };
    },
    {
      started: async (srv) => {
        prisma = createPrisma(srv.dbUrl);
        await started?.(srv, prisma);
      },
      stopped: async () => {
        await prisma?.$disconnect();
        for (const fake of fakes) await fake.stop();
      },
    },
  );
  return {
    server,
    get prisma(): PrismaClient {
      if (!prisma) throw new Error("no database client: the test server did not start");
      return prisma;
    },
  };
}

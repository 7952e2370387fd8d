export * from "@/lib/jobs/store";
export * from "@/lib/jobs/reindex";
export * from "@/lib/jobs/import";
export * from "@/lib/jobs/models";

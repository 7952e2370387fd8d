export * from "@/lib/reports/service";
export * from "@/lib/reports/context";
export * from "@/lib/reports/dto";
export * from "@/lib/reports/sync";
export * from "@/lib/reports/vectors";
export * from "@/lib/reports/facets";
export * from "@/lib/reports/health";

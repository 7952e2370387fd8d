export * from "@/lib/search/search";
export * from "@/lib/search/similar";
export * from "@/lib/search/filters";
export * from "@/lib/search/highlight";

export * from "@/lib/api/errors";
export * from "@/lib/api/respond";
export * from "@/lib/api/body";
export * from "@/lib/api/ratelimit";
export * from "@/lib/api/handler";
export * from "@/lib/api/methods";
export * from "@/lib/api/paths";

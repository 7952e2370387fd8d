export * from "@/lib/auth/token";
export * from "@/lib/auth/actor";

export * from "@/lib/db/client";

export * from "./token";
export * from "./actor";

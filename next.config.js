// Native modules (onnxruntime, better-sqlite3, sqlite-vec, usearch) must stay out of the server bundle:
// they are loaded from node_modules at run time.
/** @type {import('next').NextConfig} */
const nextConfig = {
  serverExternalPackages: [
    "onnxruntime-node",
    "better-sqlite3",
    "sqlite-vec",
    "usearch",
    "@huggingface/tokenizers",
    "@prisma/client",
    "@prisma/adapter-better-sqlite3",
    "@prisma/adapter-pg",
    "pg",
    "@qdrant/js-client-rest",
    "protobufjs",
  ],
  poweredByHeader: false,
  typescript: { ignoreBuildErrors: false },
};
export default nextConfig;

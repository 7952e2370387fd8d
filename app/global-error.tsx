"use client";
import "@/app/globals.css";

// Replaces the root layout when the layout itself fails, so it renders its own document.
export default function GlobalError({ retry }: { error: unknown; retry: () => void }) {
  return (
    <html lang="en">
      <body className="bg-slate-50 text-slate-900">
        <main className="mx-auto max-w-lg px-4 py-16 text-center">
          <title>Error · bugsift</title>
          <h1 className="text-2xl font-semibold">bugsift hit an unexpected error</h1>
          <p className="mt-3 text-slate-600">Reload the page or try again in a moment.</p>
          <button
            type="button"
            onClick={() => retry()}
            className="mt-6 rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-700"
          >
            Try again
          </button>
        </main>
      </body>
    </html>
  );
}

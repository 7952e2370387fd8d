/** Inline, non-fatal error (the rest of the page still works). */
export function ErrorNote({ title, message }: { title: string; message: string }) {
  return (
    <div role="alert" className="rounded-md border border-rose-200 bg-rose-50 px-4 py-3 text-sm text-rose-900">
      <p className="font-medium">{title}</p>
      <p className="mt-1 wrap-anywhere">{message}</p>
    </div>
  );
}

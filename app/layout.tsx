import "@/app/globals.css";
import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import { SiteHeader } from "@/components/SiteHeader";
import { SiteFooter } from "@/components/SiteFooter";
import { KeyboardShortcuts } from "@/components/KeyboardShortcuts";
import { currentActor } from "@/app/_data/viewer";

export const metadata: Metadata = {
  // The template names the app after the page's own title; it applies to child segments only, so the home
  // page (same segment as this layout) sets its full title itself.
  title: { default: "bugsift", template: "%s — bugsift" },
  description: "Find duplicate bug reports by meaning",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default async function RootLayout({ children }: { children: ReactNode }) {
  const actor = await currentActor();
  return (
    <html lang="en">
      <body className="flex min-h-screen flex-col bg-slate-50 text-slate-900 antialiased">
        <a
          href="#main"
          className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:shadow"
        >
          Skip to content
        </a>
        <SiteHeader account={actor ? { login: actor.login, role: actor.role } : null} />
        <main id="main" tabIndex={-1} className="mx-auto w-full max-w-6xl flex-1 px-4 py-6 outline-none sm:px-6">
          {children}
        </main>
        <SiteFooter />
        <KeyboardShortcuts />
      </body>
    </html>
  );
}

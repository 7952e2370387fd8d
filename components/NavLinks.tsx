"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";

const LINKS = [
  { href: "/", label: "Search" },
  { href: "/check", label: "Check report" },
  { href: "/admin", label: "Admin" },
] as const;

/**
 * Primary navigation; marks the current section with aria-current (Admin shown to admins only). A report page
 * belongs to no section (it is reached from search, from the check page or from a link), so nothing is marked there.
 */
export function NavLinks({ showAdmin }: { showAdmin: boolean }) {
  const pathname = usePathname() ?? "/";
  const current = (href: string) => (href === "/" ? pathname === "/" : pathname === href || pathname.startsWith(`${href}/`));
  return (
    <nav aria-label="Main" className="-mx-2 flex items-center gap-1 text-sm">
      {LINKS.filter((l) => showAdmin || l.href !== "/admin").map((l) => {
        const active = current(l.href);
        return (
          <Link
            key={l.href}
            href={l.href}
            aria-current={active ? "page" : undefined}
            className={
              "rounded-md px-2.5 py-1.5 font-medium transition-colors " +
              (active ? "bg-indigo-50 text-indigo-700" : "text-slate-600 hover:bg-slate-100 hover:text-slate-900")
            }
          >
            {l.label}
          </Link>
        );
      })}
    </nav>
  );
}

"use client";
import { useEffect } from "react";

/** True when the key press belongs to a text field, so single-letter shortcuts must not fire. */
function isTyping(el: Element | null): boolean {
  if (!el) return false;
  const tag = el.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag === "INPUT") {
    const type = (el as HTMLInputElement).type;
    return !["checkbox", "radio", "button", "submit", "reset", "range"].includes(type);
  }
  return (el as HTMLElement).isContentEditable;
}

function navItems(): HTMLElement[] {
  return Array.from(document.querySelectorAll<HTMLElement>("[data-nav-item]")).filter(
    (el) => el.offsetParent !== null,
  );
}

/**
 * Global keys: "/" focuses the page's primary search box ([data-search-input]); j/k or
 * ArrowDown/ArrowUp move focus through result links marked [data-nav-item]; Enter on a
 * focused link opens it (native link behaviour). ArrowDown from the search box jumps to
 * the first result.
 */
export function KeyboardShortcuts() {
  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
      const active = document.activeElement;
      const typing = isTyping(active);
      if (e.key === "/" && !typing) {
        const input = document.querySelector<HTMLInputElement | HTMLTextAreaElement>("[data-search-input]");
        if (input) {
          e.preventDefault();
          input.focus();
          input.select?.();
        }
        return;
      }
      const down = e.key === "ArrowDown" || (e.key === "j" && !typing);
      const up = e.key === "ArrowUp" || (e.key === "k" && !typing);
      if (!down && !up) return;
      const items = navItems();
      if (items.length === 0) return;
      const idx = items.indexOf(active as HTMLElement);
      if (typing) {
        // Only the search box hands over to the list, and only downwards.
        if (!(active as HTMLElement).hasAttribute("data-search-input") || !down || e.key !== "ArrowDown") return;
        e.preventDefault();
        items[0].focus();
        return;
      }
      if (idx === -1 && (e.key === "ArrowDown" || e.key === "ArrowUp")) return; // keep page scrolling
      e.preventDefault();
      const next = idx === -1 ? 0 : Math.min(items.length - 1, Math.max(0, idx + (down ? 1 : -1)));
      items[next].focus();
      items[next].scrollIntoView({ block: "nearest" });
    }
    window.addEventListener("keydown", onKey);
    // Lets scripted clients (the browser tests) wait until the keys work, i.e. after hydration.
    document.documentElement.dataset.shortcuts = "on";
    return () => {
      window.removeEventListener("keydown", onKey);
      delete document.documentElement.dataset.shortcuts;
    };
  }, []);
  return null;
}

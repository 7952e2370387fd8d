/** The not-found page's title; the report page's metadata uses it too, since it is resolved even for unknown ids. */
export const NOT_FOUND_TITLE = "Page not found";

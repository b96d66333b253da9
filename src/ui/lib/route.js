// Pages are addressed by the URL hash: "#/events/<id>" -> {page: "events", arg: "<id>"}.

export function parseHash() {
  const [page, ...rest] = location.hash.replace(/^#\/?/, "").split("/");
  return { page, arg: rest.length ? decodeURIComponent(rest.join("/")) : undefined };
}

export function href(page, arg) {
  return `#/${page}${arg ? `/${encodeURIComponent(arg)}` : ""}`;
}

export function navigate(page, arg) {
  location.hash = href(page, arg);
}

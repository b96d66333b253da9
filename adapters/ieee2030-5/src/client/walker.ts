/** Reads resources by reference from the server: links resolved against the DeviceCapability URL, lists paged. */
import type { ResourceName, SepResource } from "../codec/index.ts";
import type { SepHttpClient } from "../common/http-client.ts";
import { pageQuery } from "../common/paging.ts";

/** The most pages one list read follows (a server that keeps announcing more is cut off there). */
const MAX_PAGES = 100;

export class Walker {
  constructor(readonly http: SepHttpClient, private readonly base: string, private readonly pageSize: number) {}

  url(href: string): string {
    return new URL(href, this.base).href;
  }

  get<K extends ResourceName>(href: string, type: K): Promise<SepResource<K>> {
    return this.http.get(this.url(href), [type]);
  }

  /** Every item of a list, page by page (`s`, `l`), until `all` are read. */
  async list<K extends ResourceName, I>(href: string, type: K, items: (page: SepResource<K>) => I[] | undefined): Promise<{ list: SepResource<K>; items: I[] }> {
    const out: I[] = [];
    let first: SepResource<K> | undefined;
    for (let s = 0, pages = 0; pages < MAX_PAGES; pages++) {
      const u = new URL(this.url(href));
      u.search = pageQuery(s, this.pageSize);
      const page = await this.http.get(u.href, [type]);
      first ??= page;
      const got = items(page) ?? [];
      out.push(...got);
      s += got.length;
      const all = (page as { all?: number }).all ?? 0;
      if (!got.length || s >= all) break;
    }
    return { list: first!, items: out };
  }
}

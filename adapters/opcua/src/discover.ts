/**
 * Discovery without scanning: each known discovery URL (the configured devices' endpoints and `discovery`) is asked
 * FindServers and GetEndpoints over an unsecured channel, which OPC UA allows for exactly this purpose.
 */
import { ApplicationType, MessageSecurityMode, OPCUAClient, UserTokenType, type OPCUACertificateManager } from "node-opcua";
import type { DiscoveredDevice, DiscoverProgress } from "gridhub/hub";
import type { OwnCertificate } from "./pki.ts";
import { failureError } from "./status.ts";
import { withTimeout } from "./timeout.ts";

export interface DiscoverOptions {
  urls: string[];
  timeoutMs: number;
  applicationName: string;
  own: OwnCertificate;
  certificateManager: OPCUACertificateManager;
  onProgress?: (p: DiscoverProgress) => void;
  onError?: (url: string, error: Error) => void;
}

function policyName(uri: string): string {
  return uri.slice(uri.lastIndexOf("#") + 1);
}

export async function* discoverServers(opts: DiscoverOptions): AsyncIterable<DiscoveredDevice> {
  const urls = [...new Set(opts.urls)];
  const deadline = Date.now() + opts.timeoutMs;
  const seen = new Set<string>();
  for (const [done, url] of urls.entries()) {
    opts.onProgress?.({ done, total: urls.length, found: seen.size, message: url });
    const left = deadline - Date.now();
    if (left <= 0) break;
    const client = OPCUAClient.create({
      applicationName: opts.applicationName, applicationUri: opts.own.applicationUri,
      clientCertificateManager: opts.certificateManager, certificateFile: opts.own.certificateFile, privateKeyFile: opts.own.privateKeyFile,
      endpointMustExist: false, connectionStrategy: { maxRetry: 0 },
    });
    const found: DiscoveredDevice[] = [];
    try {
      await withTimeout((async () => {
        await client.connect(url);
        const endpoints = await client.getEndpoints();
        for (const app of await client.findServers()) {
          const endpoint = app.discoveryUrls?.[0] ?? url;
          if (seen.has(endpoint) || app.applicationType === ApplicationType.DiscoveryServer) continue;
          seen.add(endpoint);
          const own = endpoint === url || app.applicationUri === endpoints[0]?.server.applicationUri;
          found.push({
            address: { endpoint },
            info: {
              applicationUri: app.applicationUri, applicationName: app.applicationName.text, productUri: app.productUri,
              ...(own ? {
                endpoints: endpoints.map((e) => ({
                  url: e.endpointUrl, securityMode: MessageSecurityMode[e.securityMode], securityPolicy: policyName(e.securityPolicyUri ?? ""),
                  userTokens: (e.userIdentityTokens ?? []).map((t) => UserTokenType[t.tokenType]),
                })),
              } : {}),
            },
          });
        }
      })(), left, `discover ${url}`);
    } catch (e) {
      opts.onError?.(url, failureError(url, e));
    } finally {
      await withTimeout(client.disconnect(), 3000, `${url}: disconnect`).catch(() => undefined);
    }
    yield* found;
  }
  opts.onProgress?.({ done: urls.length, total: urls.length, found: seen.size });
}

/**
 * A node-opcua server exposing the chiller plant: security modes and policies from the config, a PKI of its own
 * (unknown clients are refused unless trusted), user names and X.509 user certificates, and a model step that moves
 * the measured values.
 */
import { join, resolve } from "node:path";
import { MessageSecurityMode, OPCUAServer, SecurityPolicy } from "node-opcua";
import type { Logger } from "pino";
import { routeLibraryLog } from "../library-log.ts";
import { openPki } from "../pki.ts";
import type { SimulatorConfig } from "./config.ts";
import { initialState, step, type PlantState } from "./model.ts";
import { PlantNodes } from "./plant-nodes.ts";

export const APPLICATION_URI = "urn:gridhub:opcua-plant-simulator";

export class PlantServer {
  private timer?: NodeJS.Timeout;
  private state: PlantState;
  private last = Date.now();

  private constructor(
    private readonly server: OPCUAServer,
    readonly nodes: PlantNodes,
    readonly config: SimulatorConfig,
    private readonly releaseLog: () => void,
  ) {
    this.state = initialState(config.chillers);
  }

  static async start(config: SimulatorConfig, logger: Logger): Promise<PlantServer> {
    const releaseLog = routeLibraryLog(logger);
    try {
      const { pki } = config;
      const serverCertificateManager = await openPki({ root: pki.root, acceptUnknownCertificates: pki.acceptUnknownCertificates, trust: pki.trust });
      const userCertificateManager = await openPki({ root: join(resolve(pki.root), "users"), acceptUnknownCertificates: false, trust: pki.trustUsers });
      const loopback = config.host === "0.0.0.0" || config.host === "::" ? {} : { hostname: config.host };
      const server = new OPCUAServer({
        host: config.host, port: config.port, resourcePath: config.resourcePath, ...loopback,
        serverCertificateManager, userCertificateManager,
        // a fixed name, so a client's trust list can name the file before the simulator first runs
        certificateFile: join(serverCertificateManager.rootDir, "own", "certs", "plant-simulator.pem"),
        privateKeyFile: serverCertificateManager.privateKey,
        securityModes: config.securityModes.map((m) => MessageSecurityMode[m]),
        securityPolicies: config.securityPolicies.map((p) => SecurityPolicy[p]),
        allowAnonymous: config.allowAnonymous,
        userManager: { isValidUser: (userName: string, password: string) => config.users.some((u) => u.userName === userName && u.password === password) },
        serverInfo: { applicationUri: APPLICATION_URI, productUri: APPLICATION_URI, applicationName: { text: "gridhub chiller plant simulator" } },
        buildInfo: { productName: "gridhub chiller plant simulator", manufacturerName: "gridhub", softwareVersion: "0.1.0" },
        serverCapabilities: {
          maxSessions: 50,
          operationLimits: {
            maxNodesPerRead: 1000, maxNodesPerWrite: 1000, maxNodesPerBrowse: 1000,
            maxNodesPerTranslateBrowsePathsToNodeIds: 1000, maxMonitoredItemsPerCall: 1000,
          },
        },
        maxConnectionsPerEndpoint: 50,
        isAuditing: false,
      });
      await server.initialize();
      const addressSpace = server.engine.addressSpace!;
      const nodes = new PlantNodes(addressSpace.getOwnNamespace(), addressSpace.rootFolder.objects, config.chillers);
      await server.start();
      const sim = new PlantServer(server, nodes, config, releaseLog);
      if (config.tick > 0) {
        sim.advance();
        sim.timer = setInterval(() => sim.advance(), config.tick);
      }
      logger.info({ endpoint: sim.endpoint, chillers: config.chillers }, "OPC UA plant simulator listening");
      return sim;
    } catch (e) {
      releaseLog();
      throw e;
    }
  }

  get port(): number {
    return this.server.endpoints[0].port;
  }

  get endpoint(): string {
    return `opc.tcp://${this.config.host.includes(":") ? `[${this.config.host}]` : this.config.host}:${this.port}${this.config.resourcePath}`;
  }

  get certificateFile(): string {
    return this.server.certificateFile;
  }

  get namespaceUri(): string {
    return this.server.engine.addressSpace!.getOwnNamespace().namespaceUri;
  }

  info(): Record<string, unknown> {
    return {
      endpoint: this.endpoint, certificate: this.certificateFile, namespace: this.namespaceUri, chillers: this.config.chillers,
      securityModes: this.config.securityModes, securityPolicies: this.config.securityPolicies,
    };
  }

  async stop() {
    clearInterval(this.timer);
    try {
      await this.server.shutdown(0);
    } finally {
      this.releaseLog();
    }
  }

  /** One model step from what clients wrote to what the instruments show. */
  private advance() {
    const now = Date.now();
    const n = this.nodes;
    const inputs = {
      mode: Number(n.get("Plant.Mode")),
      demandLimit: Number(n.get("Plant.DemandLimit")),
      chillers: this.state.chillers.map((_, i) => ({
        enable: Boolean(n.get(`Plant.Chiller${i + 1}.Enable`)), setpoint: Number(n.get(`Plant.Chiller${i + 1}.CHWSetpoint`)),
      })),
    };
    this.state = step(this.state, inputs, now, now - this.last);
    this.last = now;
    n.set("Plant.OutdoorTemp", this.state.outdoor);
    n.set("Plant.TotalPower", this.state.totalPower);
    this.state.chillers.forEach((c, i) => {
      const id = `Plant.Chiller${i + 1}`;
      n.set(`${id}.Running`, c.running);
      n.set(`${id}.CHWSupplyTemp`, c.supply);
      n.set(`${id}.CHWReturnTemp`, c.return);
      n.set(`${id}.Power`, c.power);
      n.set(`${id}.Load`, c.load);
      n.set(`${id}.RunHours`, Math.floor(c.runSeconds / 3600));
      n.set(`${id}.EnergyTotal`, Math.floor(c.energyWh));
      n.set(`${id}.Alarm`, c.alarm);
    });
  }
}

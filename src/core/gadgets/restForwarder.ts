/**
 * Where a gadget's REST goes: `gadgets.io.makeRequest` reaches /gadgets/makeRequest, which hands
 * the request to a RestForwarder. The local Finesse's forwarder answers from its own REST API;
 * against a lab server the forwarder sends it there (TLS verified). The forwarder captures the
 * exchange as `http` frames, so the makeRequest handler itself captures nothing.
 */
export interface RestRequest {
  method: string;
  /** The URL the gadget asked for (already checked to be the Finesse REST host). */
  url: URL;
  headers: Record<string, string>;
  body?: string;
}

export interface RestResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export type RestForwarder = (req: RestRequest) => Promise<RestResponse>;

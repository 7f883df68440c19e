// A Cloudflare Worker that answers with the paysg version it runs.
import { version } from "paysg";

export default {
  async fetch(request) {
    const body = { sdk: "paysg", version: version(), url: request.url };
    return Response.json(body);
  },
};

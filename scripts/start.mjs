// `npm start`: the demo e-service on the local PaySG simulator. Builds what is missing (the
// package, paysg-sim), starts paysg-sim and the e-service Worker in workerd (www/demo.mjs), and
// prints the URL to open. Ctrl-C stops both.
import { buildIfNeeded, startDemo } from "../www/demo.mjs";

buildIfNeeded();
const demo = await startDemo({ port: Number(process.env.PORT || 8787), log: (l) => console.log(l) });
console.log(`
  paysg demo e-service:  ${demo.url}/
  officer's payments:    ${demo.url}/payments
  PaySG simulator:       ${demo.simUrl}/  (emails: /sim/emails, webhooks: /sim/webhooks)

  Open the first URL, fill in the form and pay on the simulator's page. Ctrl-C to stop.
`);
let stopping = false;
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, async () => {
    if (stopping) return;
    stopping = true;
    console.log("stopping…");
    await demo.stop().catch(() => {});
    process.exit(0);
  });
}

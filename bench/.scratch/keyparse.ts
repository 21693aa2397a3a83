import { CryptographicKey } from "@fedify/vocab";
import { getDocumentLoader } from "@fedify/vocab-runtime";
import { generateKeyPairSync } from "node:crypto";
const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const pem = publicKey.export({ type: "spki", format: "pem" }).toString();
const key = new CryptographicKey({ id: new URL("http://127.5.1.1:4000/users/bench0#main-key"), owner: new URL("http://127.5.1.1:4000/users/bench0"), publicKey: await crypto.subtle.importKey("spki", publicKey.export({type:"spki",format:"der"}), { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, true, ["verify"]) });
const loader = getDocumentLoader();
const serialized = await key.toJsonLd({ format: "compact", contextLoader: loader });
console.log(JSON.stringify(serialized).slice(0, 200));
for (let i = 0; i < 200; i++) { const k = await CryptographicKey.fromJsonLd(serialized, { documentLoader: loader, contextLoader: loader }); await k.publicKey; }
const t0 = performance.now(); let n = 0;
while (performance.now() - t0 < 1500) { const k = await CryptographicKey.fromJsonLd(serialized, { documentLoader: loader, contextLoader: loader }); await k.publicKey; n++; }
console.log("CryptographicKey.fromJsonLd + publicKey:", ((performance.now() - t0) / n).toFixed(3), "ms");

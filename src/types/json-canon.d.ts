// json-canon (RFC 8785 JSON canonicalization, the one Fedify uses) ships no types.
declare module "json-canon" {
  export default function serialize(value: unknown): string;
}

/** The SNS query protocol's forms: `.entry.N` maps, `.member.N` lists, message attributes, batch entries. */
import type { MessageAttribute, PublishInput } from "../../topics/index.js";

/** `Name.entry.N.key/value` as a record (Attributes). */
export function entryMap(form: URLSearchParams, name: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 1; form.has(`${name}.entry.${i}.key`); i++) {
    out[form.get(`${name}.entry.${i}.key`)!] = form.get(`${name}.entry.${i}.value`) ?? "";
  }
  return out;
}

/** `Tags.member.N.Key/Value` as a record. */
export function tagMap(form: URLSearchParams, name = "Tags"): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 1; form.has(`${name}.member.${i}.Key`); i++) {
    out[form.get(`${name}.member.${i}.Key`)!] = form.get(`${name}.member.${i}.Value`) ?? "";
  }
  return out;
}

/** `Name.member.N` as a list of strings. */
export function memberList(form: URLSearchParams, name: string): string[] {
  const out: string[] = [];
  for (let i = 1; form.has(`${name}.member.${i}`); i++) out.push(form.get(`${name}.member.${i}`)!);
  return out;
}

/** `Prefix.entry.N.Name` / `.Value.DataType|StringValue|BinaryValue` as message attributes. */
function messageAttributes(form: URLSearchParams, prefix: string): Record<string, MessageAttribute> {
  const out: Record<string, MessageAttribute> = {};
  for (let i = 1; form.has(`${prefix}.entry.${i}.Name`); i++) {
    const at = `${prefix}.entry.${i}.Value.`;
    const s = form.get(`${at}StringValue`);
    const b = form.get(`${at}BinaryValue`);
    out[form.get(`${prefix}.entry.${i}.Name`)!] = {
      DataType: form.get(`${at}DataType`) ?? "",
      ...(s !== null && { StringValue: s }),
      ...(b !== null && { BinaryValue: b }),
    };
  }
  return out;
}

const opt = (form: URLSearchParams, name: string) => form.get(name) ?? undefined;

/** One message of Publish (prefix "") or of a batch entry (prefix `…member.N.`). */
export function publishInput(form: URLSearchParams, prefix = ""): PublishInput {
  return {
    message: opt(form, `${prefix}Message`),
    subject: opt(form, `${prefix}Subject`),
    messageStructure: opt(form, `${prefix}MessageStructure`),
    attributes: messageAttributes(form, `${prefix}MessageAttributes`),
    messageGroupId: opt(form, `${prefix}MessageGroupId`),
    deduplicationId: opt(form, `${prefix}MessageDeduplicationId`),
  };
}

/** PublishBatchRequestEntries. */
export function batchEntries(form: URLSearchParams): (PublishInput & { id: string })[] {
  const out: (PublishInput & { id: string })[] = [];
  for (let i = 1; form.has(`PublishBatchRequestEntries.member.${i}.Id`); i++) {
    const prefix = `PublishBatchRequestEntries.member.${i}.`;
    out.push({ ...publishInput(form, prefix), id: form.get(`${prefix}Id`)! });
  }
  return out;
}

export { RecordChannel, type RecordListener } from "./record-channel.js";

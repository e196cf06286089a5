// An outside worker on the stock Camunda 7 JavaScript client, for tests/integration/engine_rest/test_js_worker.py.
// It serves TOPIC at BASE_URL with long polling and prints one JSON line per event on stdout.
// What it does with a task depends on the task's variable `action`:
//   complete → completes with typed variables; fail → reports a failure with one retry left, then completes
//   the retried task; error → throws BPMN error REJECTED, which a boundary event of the diagram catches.
import { Client, BasicAuthInterceptor, Variables } from "camunda-external-task-client-js";

const say = (event) => process.stdout.write(JSON.stringify(event) + "\n");
// a middleware: the client's own errors become events (a test sees them instead of a silent retry loop)
const report = (client) => {
  for (const name of ["poll:error", "complete:error", "handleFailure:error", "handleBpmnError:error"]) {
    client.on(name, (...args) => say({ event: "client_error", on: name,
                                       message: String(args.map((a) => (a && a.message) || a).join(" ")) }));
  }
};

const client = new Client({
  baseUrl: process.env.BASE_URL,
  workerId: "js-worker-1",
  asyncResponseTimeout: Number(process.env.LONG_POLL_MS || 20000),
  lockDuration: 10000,
  maxTasks: 5,
  interceptors: new BasicAuthInterceptor({ username: process.env.USER_NAME, password: process.env.PASSWORD }),
  use: report,
});

client.subscribe(process.env.TOPIC, async ({ task, taskService }) => {
  const action = task.variables.get("action");
  say({ event: "fetched", id: task.id, action, retries: task.retries, businessKey: task.businessKey,
        lockExpirationTime: task.lockExpirationTime, grade: task.variables.get("grade"),
        typed: task.variables.getAllTyped() });
  if (action === "error") {
    await taskService.handleBpmnError(task, "REJECTED", "書類に不備があります", new Variables().set("rejected_by", "js"));
    say({ event: "bpmn_error", id: task.id });
    return;
  }
  if (action === "fail" && task.retries === null) {
    await taskService.handleFailure(task, { errorMessage: "照会先が応答しません", errorDetails: "timeout after 5 s",
                                            retries: 1, retryTimeout: 200 });
    say({ event: "failed", id: task.id });
    return;
  }
  const out = new Variables()
    .set("checked", true)
    .set("score", 87)
    .set("note", "確認済み")
    .setTyped("checked_at", { type: "date", value: new Date("2026-04-01T09:00:00.000+09:00"), valueInfo: {} })
    .setTyped("detail", { type: "json", value: JSON.stringify({ rooms: [1, 2], ok: true }), valueInfo: {} });
  await taskService.complete(task, out);
  say({ event: "completed", id: task.id });
});

process.on("SIGTERM", () => { client.stop(); process.exit(0); });
say({ event: "started" });

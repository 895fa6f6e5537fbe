// The smallest VS Code client of `saleslog lsp`: it starts the server for
// the markdown files of the workspace and forwards file changes on disk.
// Everything else (diagnostics, completion, hover, definition, symbols,
// quick fixes) is the server's. Setup: docs/editors.md.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

exports.activate = function (context) {
  const command = vscode.workspace.getConfiguration("saleslog").get("path") || "saleslog";
  client = new LanguageClient(
    "saleslog",
    "saleslog",
    { command, args: ["lsp"] },
    {
      documentSelector: [{ scheme: "file", language: "markdown" }],
      synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher("**/{*.md,saleslog.yaml}") },
    },
  );
  context.subscriptions.push(client);
  return client.start();
};

exports.deactivate = function () {
  return client ? client.stop() : undefined;
};

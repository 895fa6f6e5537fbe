-- Drives `saleslog lsp` from a real Neovim (headless): opens a note with
-- an error, waits for its diagnostics, fixes it without saving, asks for a
-- hover and a completion, and writes what Neovim got to $OUT as JSON.
-- Written for Neovim 0.7 (Debian 12: vim.lsp.start_client); newer ones
-- run it too. Run by tests/cli/lsp.rs.
local env = function(name) return assert(os.getenv(name), name .. " is not set") end
local out, note = env("OUT"), env("NOTE")

vim.cmd("edit " .. vim.fn.fnameescape(note))
local buf = vim.api.nvim_get_current_buf()
local client = vim.lsp.start_client({
  name = "saleslog",
  cmd = { env("SALESLOG"), "--today", env("TODAY"), "lsp" },
  root_dir = env("JOURNAL"),
})
vim.lsp.buf_attach_client(buf, client)

local function diagnostics()
  local list = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local lsp = d.user_data and d.user_data.lsp or d
    table.insert(list, { lnum = d.lnum, col = d.col, code = lsp.code, message = d.message })
  end
  return list
end

local result = { waited = vim.wait(30000, function() return #vim.diagnostic.get(buf) >= 2 end, 20) }
result.opened = diagnostics()

-- Fix the mood in the buffer, unsaved: one problem is left.
vim.api.nvim_buf_set_lines(buf, 1, 2, false, { "mood: 4" })
result.fixed_waited = vim.wait(30000, function() return #vim.diagnostic.get(buf) == 1 end, 20)
result.edited = diagnostics()

local function ask(method, row, col)
  vim.api.nvim_win_set_cursor(0, { row, col })
  local params = vim.lsp.util.make_position_params()
  local answers = vim.lsp.buf_request_sync(buf, method, params, 30000) or {}
  for _, a in pairs(answers) do return a.result end
end
-- Row 4 is `  - id: acme-corp`.
local hover = ask("textDocument/hover", 4, 10)
result.hover = hover and hover.contents and hover.contents.value or vim.NIL
local completion = ask("textDocument/completion", 5, 11)
result.stages = {}
for _, item in ipairs(completion and (completion.items or completion) or {}) do
  table.insert(result.stages, item.label)
end

vim.fn.writefile({ vim.fn.json_encode(result) }, out)
vim.lsp.stop_client(client)
vim.wait(5000, function() return vim.lsp.get_client_by_id(client) == nil end, 20)
vim.cmd("qa!")

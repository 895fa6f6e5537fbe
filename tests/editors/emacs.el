;;; emacs.el --- drive `saleslog lsp' from a real Emacs with eglot  -*- lexical-binding: t -*-
;;
;; Opens a note with an error, waits for eglot to hand the server's
;; diagnostics to flymake, fixes the error in the buffer without saving,
;; waits for the diagnostics to follow, asks for a hover and a completion,
;; and writes what Emacs got to $OUT as JSON. Written for Debian 12's
;; Emacs 28 with elpa-eglot 1.9 (Emacs 29 and later have eglot built in).
;; Run by tests/cli/lsp.rs as `emacs --batch -l tests/editors/emacs.el'.

(defun saleslog-env (name)
  (or (getenv name) (error "%s is not set" name)))

;; Debian's elpa packages are on the load path in batch mode only once
;; the package system is initialised.
(require 'package)
(package-initialize)
(require 'eglot)
(require 'json)

;; Nothing may be written next to the note: no lock, backup or auto-save.
(setq create-lockfiles nil
      make-backup-files nil
      auto-save-default nil
      eglot-autoreconnect nil)

;; Notes are markdown; Emacs 28 has no markdown mode of its own, so the
;; note is in text-mode and that is the mode eglot manages here.
(add-to-list 'eglot-server-programs
             `(text-mode . (,(saleslog-env "SALESLOG") "--today" ,(saleslog-env "TODAY") "lsp")))

(defvar saleslog-result nil)
(defun saleslog-put (key value) (push (cons key value) saleslog-result))

(defun saleslog-wait (pred)
  "Let Emacs run (process output, timers) until PRED holds or 30 s pass."
  (let ((deadline (+ (float-time) 30)) (ok nil))
    (while (and (not (setq ok (funcall pred))) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (if ok t :json-false)))

(defun saleslog-diagnostics ()
  "Flymake's diagnostics of the buffer: line (0-based), column, text.
The column counts characters from the line's start (not `current-column',
which counts display columns: an emoji takes two)."
  (let ((list (sort (flymake-diagnostics)
                    (lambda (a b) (< (flymake-diagnostic-beg a) (flymake-diagnostic-beg b))))))
    (vconcat
     (mapcar (lambda (d)
               (save-excursion
                 (goto-char (flymake-diagnostic-beg d))
                 `((line . ,(1- (line-number-at-pos)))
                   (col . ,(- (point) (line-beginning-position)))
                   (text . ,(flymake-diagnostic-text d)))))
             list))))

(let ((out (saleslog-env "OUT")))
  (find-file (saleslog-env "NOTE"))
  (text-mode)
  (apply #'eglot (eglot--guess-contact))
  (let ((server (eglot-current-server)))
    (saleslog-put 'started (if server t :json-false))
    (saleslog-put 'waited (saleslog-wait (lambda () (>= (length (flymake-diagnostics)) 2))))
    (saleslog-put 'opened (saleslog-diagnostics))
    ;; Fix the mood in the buffer, unsaved: one problem is left.
    (goto-char (point-min))
    (forward-line 1)
    (delete-region (point) (line-end-position))
    (insert "mood: 4")
    (saleslog-put 'fixed_waited (saleslog-wait (lambda () (= (length (flymake-diagnostics)) 1))))
    (saleslog-put 'edited (saleslog-diagnostics))
    ;; Line 4 (1-based) is `  - id: acme-corp'.
    (goto-char (point-min))
    (forward-line 3)
    (move-to-column 10)
    (let ((hover (jsonrpc-request server :textDocument/hover (eglot--TextDocumentPositionParams))))
      (saleslog-put 'hover (or (plist-get (plist-get hover :contents) :value) :json-false)))
    ;; Line 5 is `    stage: ': the stages.
    (forward-line 1)
    (end-of-line)
    (let* ((completion (jsonrpc-request server :textDocument/completion
                                        (eglot--TextDocumentPositionParams)))
           (items (if (vectorp completion) completion (plist-get completion :items))))
      (saleslog-put 'stages (vconcat (mapcar (lambda (i) (plist-get i :label)) items))))
    (set-buffer-modified-p nil)
    (eglot-shutdown server)
    (saleslog-put 'stopped (if (jsonrpc-running-p server) :json-false t)))
  (with-temp-file out (insert (json-encode saleslog-result)))
  (kill-emacs 0))

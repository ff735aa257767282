// What the server asks of the browser without sending it code: a fixed set of commands
// (cjeune_app/ui/browser.py). The server sends a command with Reflex's `set_value` event on this
// component's ref (a property assignment, no eval), so the pages run under a script policy
// without 'unsafe-eval'. A command's result goes back to the server through `onAnswer`.
import { forwardRef, useImperativeHandle, useRef } from "react";

const PDF_FIELDS = ["letters_pdf", "letter_pdf"];

function focusLater({ id, top, center, delay }) {
  // After React has drawn the new screen.
  setTimeout(() => {
    if (top) window.scrollTo(0, 0);
    const element = document.getElementById(id);
    if (!element) return;
    element.focus({ preventScroll: true });
    if (center) element.scrollIntoView({ block: "center" });
  }, delay);
}

function postForm({ path, fields }) {
  // A form's submission: a full page load, as if the user had posted it.
  const form = document.createElement("form");
  form.method = "post";
  form.action = path;
  for (const [name, value] of Object.entries(fields)) {
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    form.appendChild(input);
  }
  document.body.appendChild(form);
  form.submit();
}

async function postFiles({ url, files, csrf, missing, network }) {
  // Posts the files chosen in the page's file inputs with the page's cookies; a PDF of the
  // answer (base64) becomes a blob: address the page links to.
  const form = new FormData();
  for (const [field, inputId] of files) {
    const input = document.getElementById(inputId);
    if (!input || !input.files.length) return { failure: missing };
    form.append(field, input.files[0], input.files[0].name);
  }
  try {
    const headers = csrf ? { [csrf[0]]: csrf[1] } : {};
    const response = await fetch(url, { method: "POST", body: form, credentials: "same-origin", headers });
    let body = {};
    try {
      body = await response.json();
    } catch (e) {
      body = {};
    }
    for (const key of PDF_FIELDS) {
      if (body[key]) {
        const bytes = Uint8Array.from(atob(body[key]), (c) => c.charCodeAt(0));
        body.pdf_url = URL.createObjectURL(new Blob([bytes], { type: "application/pdf" }));
      }
      delete body[key];
    }
    if (!response.ok) body.failure = body.message || network;
    return body;
  } catch (e) {
    return { failure: network };
  }
}

function position() {
  return new Promise((resolve) => {
    if (!navigator.geolocation) {
      resolve(null);
      return;
    }
    navigator.geolocation.getCurrentPosition(
      (p) => resolve([p.coords.latitude, p.coords.longitude]),
      () => resolve(null),
      { timeout: 8000, maximumAge: 600000 },
    );
  });
}

async function run(command) {
  switch (command.do) {
    case "focus":
      return focusLater(command);
    case "load":
      window.location.assign(command.path);
      return undefined;
    case "post_form":
      return postForm(command);
    case "replace_address":
      // Only while still on that page: the answer may come after a click elsewhere.
      if (window.location.pathname.replace(/\/$/, "") === command.page) {
        window.history.replaceState(window.history.state, "", command.path);
      }
      return undefined;
    case "post_files":
      return postFiles(command);
    case "position":
      return position();
    default:
      console.warn("commande inconnue", command.do);
      return undefined;
  }
}

export const Browser = forwardRef(function Browser({ onAnswer }, ref) {
  const answer = useRef(onAnswer);
  answer.current = onAnswer;
  useImperativeHandle(ref, () => ({
    get value() {
      return "";
    },
    set value(text) {
      const command = JSON.parse(text);
      run(command).then((result) => {
        if (command.reply && answer.current) answer.current(command.reply, result ?? null);
      });
    },
  }), []);
  return null;
});

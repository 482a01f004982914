// The Open Badge verifier page: sends the badge to this server's verify
// endpoint and shows the result. Only textContent is used to show data
// from the credential, never HTML.
"use strict";
(function () {
  var verifyURL = document.body.getAttribute("data-verify-url") || "verify";
  var $ = function (id) { return document.getElementById(id); };

  var checkNames = {
    parse: "The file holds a credential",
    context: "It uses known vocabularies",
    type: "It has the parts an Open Badge needs",
    schema: "It matches the official Open Badges format",
    subject: "It names who earned it",
    proof: "The digital signature is intact",
    issuer_binding: "It was signed by the issuer it names",
    refresh: "The issuer's refresh service",
    validity_period: "It is within its validity dates",
    status: "It has not been revoked or suspended",
    endorsements: "Its endorsements",
    recipient: "The recipient matches"
  };
  var outcomeWords = { passed: "✓ Passed", failed: "✗ Failed", warning: "! Warning", skipped: "– Not checked" };

  function setStatus(kind, title, why) {
    var s = $("status");
    s.className = "status " + kind;
    s.textContent = title;
    if (why) {
      var span = document.createElement("span");
      span.className = "why";
      span.textContent = why;
      s.appendChild(span);
    }
  }

  function text(v) {
    if (v == null) return "";
    if (typeof v === "string") return v;
    if (Array.isArray(v)) return v.map(text).filter(Boolean).join(", ");
    if (typeof v === "object" && typeof v["@value"] === "string") return v["@value"];
    return "";
  }

  function addFact(label, value) {
    if (!value) return;
    var dt = document.createElement("dt"); dt.textContent = label;
    var dd = document.createElement("dd"); dd.textContent = value;
    $("facts").appendChild(dt); $("facts").appendChild(dd);
  }

  function formatDate(s) {
    if (!s) return "";
    var d = new Date(s);
    if (isNaN(d.getTime())) return s;
    return d.toLocaleString(undefined, { dateStyle: "long", timeStyle: "short" }) + " (" + s + ")";
  }

  function recipientText(subject) {
    if (!subject) return "";
    var parts = [];
    if (subject.name) parts.push(text(subject.name));
    if (subject.id) parts.push(subject.id);
    var ids = subject.identifier ? [].concat(subject.identifier) : [];
    ids.forEach(function (idn) {
      if (!idn || typeof idn !== "object") return;
      var kind = idn.identityType || "identifier";
      if (idn.hashed) parts.push(kind + " (hashed, so it is not shown)");
      else if (idn.identityHash) parts.push(kind + ": " + idn.identityHash);
    });
    return parts.join(" · ");
  }

  function imageURL(img) {
    var u = typeof img === "string" ? img : (img && img.id);
    if (typeof u === "string" && /^data:image\/(png|jpeg|gif|webp|svg\+xml)[;,]/i.test(u)) return u;
    return "";
  }

  function show(result, uploadedImage) {
    $("facts").textContent = "";
    $("checks").textContent = "";
    var cred = result.credential || {};
    var subject = [].concat(cred.credentialSubject || [])[0] || {};
    var achievement = subject.achievement || {};
    var issuer = cred.issuer || {};
    var issuerName = typeof issuer === "string" ? issuer : (text(issuer.name) ? text(issuer.name) + " (" + (issuer.id || "") + ")" : issuer.id);

    var failed = (result.checks || []).filter(function (c) { return c.status === "failed"; });
    if (result.verified) {
      setStatus("ok", "✓ Verified: this badge is genuine.", "Every check passed.");
    } else {
      var first = failed[0];
      setStatus("bad", "✗ Not verified: do not trust this badge.",
        first ? (checkNames[first.id] || first.id) + " — failed: " + (first.error || first.detail || "") : "A check failed.");
    }
    $("achievement-name").textContent = text(achievement.name) || text(cred.name) || "Unnamed badge";
    $("achievement-description").textContent = text(achievement.description) || text(cred.description) || "";
    var img = $("badge-image");
    var src = uploadedImage || imageURL(achievement.image) || imageURL(cred.image);
    if (src) {
      img.src = src;
      img.alt = "Badge image: " + $("achievement-name").textContent;
      img.hidden = false;
    } else {
      img.hidden = true;
      img.removeAttribute("src");
    }
    addFact("Issued by", issuerName);
    addFact("Awarded to", recipientText(subject));
    addFact("Valid from", formatDate(cred.validFrom || cred.issuanceDate));
    addFact("Valid until", formatDate(cred.validUntil || cred.expirationDate));
    addFact("Format", result.input ? result.input.toUpperCase() : "");
    (result.checks || []).forEach(function (c) {
      var li = document.createElement("li");
      li.className = c.status;
      li.setAttribute("data-check", c.id);
      var o = document.createElement("span");
      o.className = "outcome";
      o.textContent = outcomeWords[c.status] || c.status;
      var n = document.createElement("span");
      n.className = "name";
      n.textContent = checkNames[c.id] || c.id;
      li.appendChild(o); li.appendChild(n);
      var why = c.error || c.detail;
      if (why) {
        var r = document.createElement("span");
        r.className = "reason";
        r.textContent = (c.error ? "Reason: " : "") + why;
        li.appendChild(r);
      }
      $("checks").appendChild(li);
    });
    $("details").hidden = false;
    document.body.setAttribute("data-outcome", result.verified ? "verified" : "not-verified");
  }

  function showProblem(p) {
    $("details").hidden = true;
    setStatus("bad", "✗ " + (p.title || "This could not be checked."), p.detail || "");
    document.body.setAttribute("data-outcome", "error");
  }

  function verify(body, contentType, uploadedImage, keepFocus) {
    setStatus("busy", "Checking…");
    document.body.setAttribute("data-outcome", "busy");
    fetch(verifyURL, { method: "POST", headers: { "Content-Type": contentType }, body: body })
      .then(function (resp) {
        return resp.json().then(function (j) { return { ok: resp.ok, status: resp.status, json: j, type: resp.headers.get("Content-Type") || "" }; });
      })
      .then(function (r) {
        if (r.type.indexOf("application/problem+json") === 0) showProblem(r.json);
        else show(r.json, uploadedImage);
        if (!keepFocus) $("result").focus();
      })
      .catch(function (e) {
        showProblem({ title: "The server could not be reached.", detail: String(e) });
      });
  }

  function typeOf(name, type) {
    if (type) return type;
    if (/\.png$/i.test(name)) return "image/png";
    if (/\.svg$/i.test(name)) return "image/svg+xml";
    if (/\.json$/i.test(name)) return "application/json";
    return "application/octet-stream";
  }

  function verifyFile(file) {
    var type = typeOf(file.name, file.type);
    var isImage = type === "image/png" || type === "image/svg+xml";
    var url = isImage ? URL.createObjectURL(file) : "";
    verify(file, type, url);
  }

  $("file").addEventListener("change", function (e) {
    if (e.target.files && e.target.files[0]) verifyFile(e.target.files[0]);
  });
  var drop = $("drop");
  ["dragenter", "dragover"].forEach(function (ev) {
    drop.addEventListener(ev, function (e) { e.preventDefault(); drop.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (ev) {
    drop.addEventListener(ev, function (e) { e.preventDefault(); drop.classList.remove("over"); });
  });
  drop.addEventListener("drop", function (e) {
    var f = e.dataTransfer && e.dataTransfer.files && e.dataTransfer.files[0];
    if (f) verifyFile(f);
  });
  $("paste-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var t = $("paste").value.trim();
    if (!t) { setStatus("bad", "Paste a credential first."); return; }
    verify(t, t.charAt(0) === "{" ? "application/json" : "text/plain", "");
  });

  // Test and link mode: #sample=<base64>&type=<media type> verifies the
  // given bytes on load (used by the end-to-end browser test).
  var m = /^#sample=([^&]*)(?:&type=([^&]*))?/.exec(location.hash);
  if (m) {
    try {
      var bin = atob(decodeURIComponent(m[1]).replace(/-/g, "+").replace(/_/g, "/"));
      var bytes = new Uint8Array(bin.length);
      for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      var type = m[2] ? decodeURIComponent(m[2]) : "application/octet-stream";
      var blob = new Blob([bytes], { type: type });
      var isImage = type === "image/png" || type === "image/svg+xml";
      verify(blob, type, isImage ? URL.createObjectURL(blob) : "", true);
    } catch (e) {
      showProblem({ title: "The sample in the link could not be read.", detail: String(e) });
    }
  }
})();

// Photo d'identité: choose a JPEG or take one with the camera, frame it in 35:45, send it.
// The original goes to the server by HTTP (never over the websocket), with the crop box in
// fractions of the picture; the server decides the format from the bytes and re-encodes it.
import React, { useCallback, useEffect, useRef, useState } from "react";
import Cropper from "react-easy-crop";
import Webcam from "react-webcam";

const ASPECT = 35 / 45;
const MAX_BYTES = 10 * 1024 * 1024;
const PREVIEW_W = 140;
const PREVIEW_H = Math.round(PREVIEW_W / ASPECT);

function looksLikeJpeg(buffer) {
  const b = new Uint8Array(buffer);
  return b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
}

function dataUrlToBlob(dataUrl) {
  const [header, base64] = dataUrl.split(",");
  const mime = header.match(/:(.*?);/)[1];
  const bytes = atob(base64);
  const array = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) array[i] = bytes.charCodeAt(i);
  return new Blob([array], { type: mime });
}

const button = (variant) => ({
  padding: "0.7rem 1rem",
  borderRadius: "0.6rem",
  fontWeight: 700,
  fontSize: "1rem",
  cursor: "pointer",
  border: variant === "solid" ? "none" : "2px solid #1d3a8a",
  background: variant === "solid" ? "#1d3a8a" : "#ffffff",
  color: variant === "solid" ? "#ffffff" : "#1d3a8a",
  minHeight: "44px",
});

export function PhotoEditor({ uploadUrl, csrfToken, onUploaded, onFailed, onPendingChange }) {
  const [source, setSource] = useState(null); // { blob, url }
  const [camera, setCamera] = useState(false);
  const [crop, setCrop] = useState({ x: 0, y: 0 });
  const [zoom, setZoom] = useState(1);
  const [area, setArea] = useState(null); // percentages of the picture
  const [pixels, setPixels] = useState(null);
  const [error, setError] = useState("");
  const [progress, setProgress] = useState(null);
  const webcamRef = useRef(null);
  const previewRef = useRef(null);
  const imageRef = useRef(null);

  // Tells the page when a photo is chosen but not sent yet (so "Suivant" can warn).
  useEffect(() => {
    if (onPendingChange) onPendingChange(source !== null);
  }, [source !== null]);

  const fail = useCallback((message) => {
    setError(message);
    if (onFailed) onFailed(message);
  }, [onFailed]);

  const useBlob = useCallback((blob) => {
    if (source) URL.revokeObjectURL(source.url);
    setSource({ blob, url: URL.createObjectURL(blob) });
    setZoom(1);
    setCrop({ x: 0, y: 0 });
    setError("");
  }, [source]);

  const onFile = async (event) => {
    const file = event.target.files && event.target.files[0];
    event.target.value = "";
    if (!file) return;
    if (file.size > MAX_BYTES) {
      fail("La photo dépasse la taille maximale de 10 Mo. Choisissez une photo plus légère.");
      return;
    }
    const head = await file.slice(0, 4).arrayBuffer();
    if (!looksLikeJpeg(head)) {
      fail("Seules les photos au format JPEG (.jpg, .jpeg) sont acceptées. Les formats PNG, PDF, HEIC… ne le sont pas.");
      return;
    }
    setCamera(false);
    useBlob(file);
  };

  const capture = () => {
    const shot = webcamRef.current && webcamRef.current.getScreenshot();
    if (!shot) {
      fail("La caméra n'a pas encore d'image : patientez une seconde puis réessayez.");
      return;
    }
    setCamera(false);
    useBlob(dataUrlToBlob(shot));
  };

  // The final result, drawn as it will be printed (35×45).
  useEffect(() => {
    const canvas = previewRef.current;
    if (!canvas || !source || !pixels) return;
    const image = imageRef.current || new Image();
    imageRef.current = image;
    const draw = () => {
      const ctx = canvas.getContext("2d");
      ctx.fillStyle = "#ffffff";
      ctx.fillRect(0, 0, PREVIEW_W, PREVIEW_H);
      ctx.drawImage(image, pixels.x, pixels.y, pixels.width, pixels.height, 0, 0, PREVIEW_W, PREVIEW_H);
    };
    if (image.src !== source.url) {
      image.onload = draw;
      image.src = source.url;
    } else if (image.complete) {
      draw();
    }
  }, [source, pixels]);

  const send = () => {
    if (!source || !area) return;
    const form = new FormData();
    form.append("photo", source.blob, "photo.jpg");
    form.append("crop_x", String(area.x / 100));
    form.append("crop_y", String(area.y / 100));
    form.append("crop_width", String(area.width / 100));
    form.append("crop_height", String(area.height / 100));
    const request = new XMLHttpRequest();
    request.open("POST", uploadUrl);
    request.withCredentials = true;
    request.setRequestHeader("X-CSRF-Token", csrfToken || ""); // the session's token (api/csrf.py)
    request.upload.onprogress = (e) => e.lengthComputable && setProgress(Math.round((100 * e.loaded) / e.total));
    request.onload = () => {
      setProgress(null);
      let body = {};
      try { body = JSON.parse(request.responseText); } catch (e) { body = {}; }
      if (request.status >= 200 && request.status < 300) {
        URL.revokeObjectURL(source.url);
        setSource(null);
        if (onUploaded) onUploaded(body);
      } else {
        fail(body.message || "L'envoi de la photo a échoué. Réessayez dans quelques instants.");
      }
    };
    request.onerror = () => {
      setProgress(null);
      fail("La connexion a été interrompue pendant l'envoi. Vérifiez votre réseau et réessayez.");
    };
    setError("");
    setProgress(0);
    request.send(form);
  };

  return (
    <div style={{ display: "flex", flexDirection: "column", gap: "0.9rem" }}>
      <ul style={{ margin: 0, paddingLeft: "1.2rem", fontSize: "0.95rem", listStyle: "disc" }}>
        <li>Photo de type identité, de face, visage dégagé</li>
        <li>Sans filtre ni retouche, fond clair de préférence</li>
        <li>Format JPEG (.jpg, .jpeg), 10 Mo au maximum</li>
      </ul>
      <div style={{ display: "flex", gap: "0.6rem", flexWrap: "wrap" }}>
        <label style={{ ...button("outline"), display: "inline-flex", alignItems: "center" }}>
          Choisir une photo
          <input type="file" accept="image/jpeg,.jpg,.jpeg" onChange={onFile} data-testid="photo-file"
                 style={{ position: "absolute", width: 1, height: 1, opacity: 0 }} />
        </label>
        <button type="button" style={button("outline")} onClick={() => { setCamera(!camera); setError(""); }}>
          {camera ? "Fermer la caméra" : source ? "Reprendre une photo" : "Prendre une photo"}
        </button>
      </div>
      {camera && (
        <div style={{ display: "flex", flexDirection: "column", gap: "0.5rem" }}>
          <Webcam ref={webcamRef} audio={false} screenshotFormat="image/jpeg" screenshotQuality={0.92}
                  videoConstraints={{ facingMode: "user", width: { ideal: 1280 }, height: { ideal: 960 } }}
                  onUserMediaError={() => fail("Impossible d'accéder à la caméra : autorisez-la dans votre navigateur, ou choisissez une photo.")}
                  style={{ width: "100%", borderRadius: "0.6rem", background: "#000" }} />
          <button type="button" style={button("solid")} onClick={capture}>Déclencher</button>
        </div>
      )}
      {source && (
        <div style={{ display: "flex", flexDirection: "column", gap: "0.6rem" }}>
          <p style={{ margin: 0, fontSize: "0.95rem" }}>
            Déplacez la photo et zoomez pour placer le visage dans le cadre.
          </p>
          <div style={{ position: "relative", width: "100%", height: "320px", background: "#1f2937", borderRadius: "0.6rem", overflow: "hidden" }}>
            <Cropper image={source.url} crop={crop} zoom={zoom} aspect={ASPECT} onCropChange={setCrop}
                     onZoomChange={setZoom} minZoom={1} maxZoom={4} objectFit="contain"
                     onCropComplete={(percent, px) => { setArea(percent); setPixels(px); }} />
          </div>
          <label style={{ display: "flex", alignItems: "center", gap: "0.6rem", fontWeight: 600 }}>
            Zoom
            <input type="range" min={1} max={4} step={0.05} value={zoom} aria-label="Zoom"
                   onChange={(e) => setZoom(Number(e.target.value))} style={{ flex: 1 }} />
          </label>
          <div style={{ display: "flex", gap: "1rem", alignItems: "center" }}>
            <canvas ref={previewRef} width={PREVIEW_W} height={PREVIEW_H} role="img"
                    aria-label="Aperçu de la photo telle qu'elle sera imprimée (35 × 45 mm)"
                    style={{ border: "1px solid #94a3b8", borderRadius: "4px" }} />
            <p style={{ margin: 0, fontSize: "0.9rem" }}>Aperçu du résultat final, au format 35 × 45 mm.</p>
          </div>
          <div style={{ display: "flex", gap: "0.6rem", flexWrap: "wrap" }}>
            <button type="button" style={button("solid")} onClick={send} disabled={progress !== null || !area}
                    id="valider-photo">
              {progress !== null ? `Envoi en cours… ${progress} %` : "Valider la photo"}
            </button>
            <button type="button" style={button("outline")}
                    onClick={() => { URL.revokeObjectURL(source.url); setSource(null); }}>
              Annuler
            </button>
          </div>
          {progress !== null && (
            <progress value={progress} max={100} aria-label="Progression de l'envoi" style={{ width: "100%" }} />
          )}
        </div>
      )}
      {error && (
        <p role="alert" style={{ color: "#b91c1c", fontWeight: 600, margin: 0 }} data-testid="photo-error">{error}</p>
      )}
    </div>
  );
}

// "Scanner la carte": reads the QR code printed on the card with the phone camera.
// Pure JavaScript decoding (jsQR), nothing fetched from a third-party host. The QR code holds
// only the card number; it is handed to Reflex as typed text would be.
import React, { useEffect, useRef, useState } from "react";
import jsQR from "jsqr";

export function CardScanner({ onDetected, onFailed }) {
  const videoRef = useRef(null);
  const canvasRef = useRef(null);
  const [status, setStatus] = useState("Autorisez la caméra, puis placez le QR code dans le cadre.");

  useEffect(() => {
    let stream = null;
    let timer = null;
    let stopped = false;
    const scan = () => {
      const video = videoRef.current;
      const canvas = canvasRef.current;
      if (stopped || !video || !canvas) return;
      if (video.readyState >= 2 && video.videoWidth) {
        canvas.width = video.videoWidth;
        canvas.height = video.videoHeight;
        const ctx = canvas.getContext("2d", { willReadFrequently: true });
        ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
        const frame = ctx.getImageData(0, 0, canvas.width, canvas.height);
        const code = jsQR(frame.data, frame.width, frame.height, { inversionAttempts: "dontInvert" });
        if (code && code.data) {
          setStatus("QR code lu.");
          if (onDetected) onDetected(code.data);
          return;
        }
      }
      timer = setTimeout(scan, 200);
    };
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then((s) => {
        stream = s;
        if (stopped) return;
        videoRef.current.srcObject = s;
        videoRef.current.play().catch(() => {});
        scan();
      })
      .catch(() => {
        const message = "Impossible d'utiliser la caméra : autorisez-la dans votre navigateur, ou saisissez le numéro.";
        setStatus(message);
        if (onFailed) onFailed(message);
      });
    return () => {
      stopped = true;
      clearTimeout(timer);
      if (stream) stream.getTracks().forEach((t) => t.stop());
    };
  }, []);

  return (
    <div style={{ width: "100%", maxWidth: "360px", margin: "0 auto" }}>
      <video ref={videoRef} muted playsInline aria-label="Image de la caméra"
             style={{ width: "100%", borderRadius: "0.6rem", background: "#000", border: "4px solid #1d3a8a" }} />
      <canvas ref={canvasRef} style={{ display: "none" }} />
      <p role="status" style={{ margin: "0.4rem 0 0", fontSize: "0.95rem" }}>{status}</p>
    </div>
  );
}

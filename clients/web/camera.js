// Camera helpers shared by the kiosk and the dashboard's enrolment snapshot.

// getUserMedia failures → a message key, so the page can say what to do.
export function cameraErrorKey(error) {
  switch (error?.name) {
    case 'NotAllowedError':
    case 'SecurityError': // e.g. served over plain http from another host
      return 'cameraDenied';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'cameraMissing';
    default:
      return 'cameraError';
  }
}

export async function startCamera(video, { facingMode = 'user', width = 1280, height = 720 } = {}) {
  if (!navigator.mediaDevices?.getUserMedia) {
    // Browsers only expose the camera to secure contexts (https or localhost).
    const error = new Error('Camera API unavailable (the page needs https or localhost)');
    error.name = 'SecurityError';
    throw error;
  }
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: false,
    video: { facingMode, width: { ideal: width }, height: { ideal: height } },
  });
  video.srcObject = stream;
  video.muted = true;
  video.playsInline = true;
  await video.play();
  return stream;
}

export function stopStream(stream) {
  for (const track of stream?.getTracks?.() ?? []) track.stop();
}

// The size to send: the camera's frame scaled down to at most maxWidth,
// because recognition needs ~100 px faces, not full HD, and a smaller JPEG
// keeps each round trip short.
export function captureSize(videoWidth, videoHeight, maxWidth) {
  if (!(videoWidth > 0 && videoHeight > 0)) return null;
  const scale = Math.min(1, maxWidth / videoWidth);
  return { width: Math.round(videoWidth * scale), height: Math.round(videoHeight * scale) };
}

// Draws the current video frame (unmirrored: the server must see the real
// scene) into the canvas and encodes it as JPEG. Resolves to null while the
// camera has not produced a frame yet.
export function captureJpeg(video, canvas, { maxWidth = 640, quality = 0.8 } = {}) {
  const size = captureSize(video.videoWidth, video.videoHeight, maxWidth);
  if (!size) return Promise.resolve(null);
  canvas.width = size.width;
  canvas.height = size.height;
  canvas.getContext('2d').drawImage(video, 0, 0, size.width, size.height);
  return new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality));
}

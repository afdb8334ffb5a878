"""Images and QR codes: renditions of volunteers' photos, codes for posters and pages."""

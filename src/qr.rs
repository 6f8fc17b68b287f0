//! QR codes as SVG paths (the invite link, to scan with a tablet's
//! camera). Encoding is `qrcodegen`'s; this module only draws its modules.

use qrcodegen::{QrCode, QrCodeEcc};

/// Modules of light margin around the code: the standard's quiet zone.
const QUIET: i32 = 4;

/// The QR code of `text` as an SVG path (one `M x,y h n v1 h-n z` per run of
/// dark modules in a row, quiet zone included) and the side of its square
/// in modules. `None` if the text does not fit in a QR code.
pub fn qr_path(text: &str) -> Option<(i32, String)> {
    // Byte mode, what a URL with lowercase letters needs anyway: the mode
    // picking of `encode_text` would cost 5 KB of wasm for nothing. Medium
    // error correction: a smudged tablet screen still scans.
    let code = QrCode::encode_binary(text.as_bytes(), QrCodeEcc::Medium).ok()?;
    let size = code.size();
    let mut path = String::new();
    for y in 0..size {
        let mut x = 0;
        while x < size {
            if !code.get_module(x, y) {
                x += 1;
                continue;
            }
            let start = x;
            while x < size && code.get_module(x, y) {
                x += 1;
            }
            let run = x - start;
            path.push_str(&format!("M{},{}h{run}v1h-{run}z", start + QUIET, y + QUIET));
        }
    }
    Some((size + 2 * QUIET, path))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether the drawn path covers module (x, y) of the code (quiet zone
    /// excluded), by replaying its runs.
    fn dark_modules(side: i32, path: &str) -> Vec<bool> {
        let mut dark = vec![false; (side * side) as usize];
        for run in path.split('M').filter(|r| !r.is_empty()) {
            let (at, rest) = run.split_once('h').unwrap();
            let (x, y) = at.split_once(',').unwrap();
            let (x, y): (i32, i32) = (x.parse().unwrap(), y.parse().unwrap());
            let n: i32 = rest.split('v').next().unwrap().parse().unwrap();
            for i in 0..n {
                dark[(y * side + x + i) as usize] = true;
            }
        }
        dark
    }

    #[test]
    fn the_path_draws_exactly_the_codes_dark_modules() {
        let text = "http://127.0.0.1:8080/#join=0123456789abcdef0123456789abcdef.\
                    00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
        let (side, path) = qr_path(text).unwrap();
        let code = QrCode::encode_binary(text.as_bytes(), QrCodeEcc::Medium).unwrap();
        assert_eq!(side, code.size() + 8);
        let dark = dark_modules(side, &path);
        for y in 0..side {
            for x in 0..side {
                let inside =
                    (QUIET..side - QUIET).contains(&x) && (QUIET..side - QUIET).contains(&y);
                let expected = inside && code.get_module(x - QUIET, y - QUIET);
                assert_eq!(dark[(y * side + x) as usize], expected, "module {x},{y}");
            }
        }
        // The finder pattern's corner: dark at the code's origin.
        assert!(dark[(QUIET * side + QUIET) as usize]);
    }

    #[test]
    fn text_too_long_for_any_qr_code_gives_none() {
        assert!(qr_path(&"x".repeat(5000)).is_none());
    }
}

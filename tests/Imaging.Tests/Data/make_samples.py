#!/usr/bin/python3
"""Writes the PNG samples the Imaging tests decode, with other tools than ours (PIL 9.4, ImageMagick 6.9 from Debian).

For each sample NAME.png it writes NAME.pixels: the pixels as PIL decodes them, 8 bits per channel, in the
channel layout our decoder returns, and samples.json with width, height and channels. Run from this folder:
    /usr/bin/python3 make_samples.py
The files are committed; the tests need neither tool.
"""
import json, subprocess
from PIL import Image, PngImagePlugin

W, H = 13, 7


def pattern(channels, w=W, h=H):
    return bytes((x * 37 + y * 101 + c * 53 + 11) % 256 if c < 3 or channels in (1, 3) else (x * 7 + y * 13 + 29) % 256
                 for y in range(h) for x in range(w) for c in range(channels))


samples = {}


def record(name, pixels, channels, w=W, h=H):
    open(f"{name}.pixels", "wb").write(pixels)
    samples[name] = {"width": w, "height": h, "channels": channels}


def pil_pixels(name, mode):
    return Image.open(f"{name}.png").convert(mode).tobytes()


def save(name, image, channels, mode, **options):
    image.save(f"{name}.png", **options)
    record(name, pil_pixels(name, mode), channels, image.width, image.height)


for name, mode, channels in [("gray8", "L", 1), ("gray_alpha8", "LA", 2), ("rgb8", "RGB", 3), ("rgba8", "RGBA", 4)]:
    save(name, Image.frombytes(mode, (W, H), pattern(channels)), channels, mode)

save("gray1", Image.frombytes("L", (W, H), pattern(1)).convert("1"), 1, "L")

palette_image = Image.frombytes("L", (W, H), bytes(v % 16 for v in pattern(1))).convert("P")
palette_image.putpalette([c for i in range(16) for c in (i * 16, 255 - i * 16, (i * 97) % 256)])
save("palette4", palette_image, 3, "RGB", bits=4)
palette_image.info["transparency"] = bytes(i * 17 for i in range(16))
save("palette_alpha", palette_image, 4, "RGBA", transparency=bytes(i * 17 for i in range(16)))

# 16-bit gray: PIL keeps it as I;16 (and clips on conversion to L); our decoder keeps the high byte.
high = pattern(1)
Image.frombytes("I;16", (W, H), bytes(b for v in high for b in ((v * 3) % 256, v))).save("gray16.png")   # little-endian pairs: low, high
record("gray16", high, 1)

info = PngImagePlugin.PngInfo()
info.add_text("prompt", json.dumps({"3": {"class_type": "KSampler", "inputs": {"seed": 42}}}))
info.add_text("workflow", json.dumps({"nodes": [], "note": "caf\u00e9"}))
info.add_text("compressed", "zipped text " * 20, zip=True)
info.add_itxt("unicode", "\u65e5\u672c\u8a9e \u2713", lang="ja")
save("text", Image.frombytes("RGB", (W, H), pattern(3)), 3, "RGB", pnginfo=info)

# ImageMagick writes what PIL cannot: interlaced (Adam7) and 16-bit colour.
magick = [
    ("rgb8_interlaced", "rgb8.png", ["-interlace", "PNG"], "RGB", 3),
    ("rgb16", "rgb8.png", ["-depth", "16", "PNG48:"], "RGB", 3),
    ("rgba16_interlaced", "rgba8.png", ["-depth", "16", "-interlace", "PNG", "PNG64:"], "RGBA", 4),
    ("gray2", "gray8.png", ["-depth", "2"], "L", 1),
]
for name, source, options, mode, channels in magick:
    *flags, last = options
    target = f"{last}{name}.png" if last.endswith(":") else f"{name}.png"
    subprocess.run(["convert", source, *(flags if last.endswith(":") else options), target], check=True)
    record(name, pil_pixels(name, mode), channels)

big = Image.frombytes("RGBA", (33, 17), pattern(4, 33, 17))
big.save("rgba8_33x17.png")
subprocess.run(["convert", "rgba8_33x17.png", "-interlace", "PNG", "rgba8_33x17_interlaced.png"], check=True)
record("rgba8_33x17_interlaced", pil_pixels("rgba8_33x17_interlaced", "RGBA"), 4, 33, 17)

json.dump(samples, open("samples.json", "w"), indent=1, sort_keys=True)

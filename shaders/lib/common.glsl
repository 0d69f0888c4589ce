// Shared helpers: the palette of the art direction, anti-aliasing and a few distance functions.
#ifndef STAGECRAFT_COMMON
#define STAGECRAFT_COMMON

const vec3 NIGHT   = vec3(0.043, 0.027, 0.063);   // #0B0710
const vec3 ENAMEL  = vec3(0.957, 0.945, 0.910);   // #F4F1E8
const vec3 GUM     = vec3(0.878, 0.478, 0.545);   // #E07A8B
const vec3 LIP     = vec3(0.702, 0.071, 0.227);   // #B3123A
const vec3 CHROME  = vec3(0.784, 0.827, 0.871);   // #C8D3DE
const vec3 GOLD    = vec3(1.000, 0.784, 0.239);   // #FFC83D
const vec3 AR_CYAN = vec3(0.239, 0.961, 1.000);   // #3DF5FF
const vec3 AMBER   = vec3(1.000, 0.624, 0.110);   // #FF9F1C
const vec3 MAGENTA = vec3(0.894, 0.000, 0.486);   // #E4007C
const vec3 TEAL    = vec3(0.000, 0.651, 0.651);   // #00A6A6

// Coverage of a shape from its signed distance in pixels: a one-pixel soft edge at any scale.
float aa(float dPixels) { return clamp(0.5 - dPixels, 0.0, 1.0); }

// A line of width w pixels along a distance field measured in pixels.
float stroke(float dPixels, float w) { return aa(abs(dPixels) - 0.5 * w); }

float sdCircle(vec2 p, float r) { return length(p) - r; }

float sdBox(vec2 p, vec2 halfSize) {
    vec2 d = abs(p) - halfSize;
    return length(max(d, 0.0)) + min(max(d.x, d.y), 0.0);
}

float hash12(vec2 p) {
    vec3 p3 = fract(vec3(p.xyx) * 0.1031);
    p3 += dot(p3, p3.yzx + 33.33);
    return fract((p3.x + p3.y) * p3.z);
}

// Smooth value noise in 0..1.
float valueNoise(vec2 p) {
    vec2 i = floor(p), f = fract(p);
    f = f * f * (3.0 - 2.0 * f);
    return mix(mix(hash12(i), hash12(i + vec2(1.0, 0.0)), f.x),
               mix(hash12(i + vec2(0.0, 1.0)), hash12(i + vec2(1.0, 1.0)), f.x), f.y);
}

#endif

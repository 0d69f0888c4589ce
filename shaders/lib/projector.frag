// The output stage: one projector's view of the frame the audience is shown (iChannel0). The
// output's source rectangle is pinned to four corners by a homography evaluated per fragment;
// soft edges (in the source rectangle, so they follow the content under a pin) are Bourke's
// ramps, which sum to one with the neighbour's, raised to 1/gamma so that the light sums to one;
// black is raised outside them to the overlap's doubled black; masks paint black, feathered.
// A warp grid moves the pinned picture by a bilinear field of offsets: each fragment finds where
// it came from by Newton's method (exact for a field that does not fold). While calibrating, the
// output's own card (iChannel1) stands in for the canvas; while editing, its handles are ringed.
uniform mat3 toSource;      // output (0..1, y down) -> its source rectangle (0..1, y down)
uniform vec4 source;        // the source rectangle on the canvas: x, y, w, h, 0..1, y down
uniform vec4 edgeWidth;     // left, right, top, bottom, fractions of the source rectangle
uniform vec4 edgeCurve;
uniform vec4 edgeGamma;
uniform float uplift;
uniform vec4 gain;          // r, g, b, brightness
uniform vec2 maskPoints[64];    // four masks of up to sixteen points, output 0..1, y down
uniform ivec4 maskCount;
uniform vec4 maskFeather;
uniform ivec2 warpGrid;         // columns, rows; 0: no warp
uniform vec2 warpPoints[81];    // offsets, output 0..1, (rows + 1) x (cols + 1) row by row from the top
uniform float card;             // 1: the output's calibration card instead of the canvas
uniform float cardLevel;        // the fade's level: a blackout darkens the card too
uniform vec2 handles[81];       // while editing: the corners, then the warp points (output 0..1, y down)
uniform int handleCount;
uniform int handleSelected;
uniform vec2 outputSize;

float ramp(float t, float p) {
    t = clamp(t, 0.0, 1.0);
    return t < 0.5 ? 0.5 * pow(2.0 * t, p) : 1.0 - 0.5 * pow(2.0 * (1.0 - t), p);
}

float edge(float d, float width, float p, float g) {
    return width > 0.0 ? pow(ramp(d / width, p), 1.0 / g) : 1.0;
}

// Signed distance to a polygon (negative inside): Inigo Quilez's winding-number form.
float sdPolygon(int first, int n, vec2 q) {
    float d = dot(q - maskPoints[first], q - maskPoints[first]);
    float s = 1.0;
    for (int i = 0; i < 16; i++) {
        if (i >= n) break;
        vec2 a = maskPoints[first + i], b = maskPoints[first + (i + n - 1) % n];
        vec2 e = b - a, w = q - a;
        vec2 h = w - e * clamp(dot(w, e) / dot(e, e), 0.0, 1.0);
        d = min(d, dot(h, h));
        bvec3 c = bvec3(q.y >= a.y, q.y < b.y, e.x * w.y > e.y * w.x);
        if (all(c) || all(not(c))) s = -s;
    }
    return s * sqrt(d);
}

vec2 warpPoint(int col, int row) {
    return warpPoints[row * (warpGrid.x + 1) + col];
}

// q = p + offset(p): p by Newton's method, the bilinear field's Jacobian per cell.
vec2 unwarp(vec2 q) {
    vec2 p = q;
    for (int i = 0; i < 5; i++) {
        vec2 g = clamp(p, 0.0, 1.0) * vec2(warpGrid);
        ivec2 c = min(ivec2(g), warpGrid - 1);
        vec2 f = g - vec2(c);
        vec2 a = warpPoint(c.x, c.y), b = warpPoint(c.x + 1, c.y);
        vec2 d = warpPoint(c.x, c.y + 1), e = warpPoint(c.x + 1, c.y + 1);
        vec2 top = mix(a, b, f.x), bottom = mix(d, e, f.x);
        vec2 offset = mix(top, bottom, f.y);
        mat2 jacobian = mat2(1.0) + mat2(mix(b - a, e - d, f.y) * float(warpGrid.x), (bottom - top) * float(warpGrid.y));
        p -= inverse(jacobian) * (p + offset - q);
    }
    return p;
}

float rings(vec2 q) {
    float ring = 0.0;
    for (int i = 0; i < 81; i++) {
        if (i >= handleCount) break;
        float r = length((q - handles[i]) * outputSize);
        float size = i == handleSelected ? 14.0 : 9.0;
        ring = max(ring, 1.0 - smoothstep(1.0, 2.0, abs(r - size)));
        if (i == handleSelected) {      // and a crosshair, to nudge by
            vec2 d = abs((q - handles[i]) * outputSize);
            ring = max(ring, (1.0 - smoothstep(0.5, 1.5, min(d.x, d.y))) * step(max(d.x, d.y), 30.0));
        }
    }
    return ring;
}

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 shown = vec2(vUV.x * 0.5 + 0.5, 0.5 - vUV.y * 0.5);
    vec2 q = warpGrid.x > 0 ? unwarp(shown) : shown;
    vec3 h = toSource * vec3(q, 1.0);
    vec2 uv = h.xy / h.z;
    float ring = handleCount > 0 ? rings(shown) : 0.0;
    if (h.z <= 0.0 || any(lessThan(uv, vec2(0.0))) || any(greaterThan(uv, vec2(1.0)))) {
        fragColor = vec4(mix(vec3(0.0), vec3(0.24, 0.96, 1.0), ring), 1.0);
        return;
    }
    vec2 c = source.xy + uv * source.zw;
    vec3 col = card > 0.5 ? texture(iChannel1, vec2(uv.x, 1.0 - uv.y)).rgb * cardLevel
                          : texture(iChannel0, vec2(c.x, 1.0 - c.y)).rgb;
    vec4 d = vec4(uv.x, 1.0 - uv.x, uv.y, 1.0 - uv.y);
    float k = edge(d.x, edgeWidth.x, edgeCurve.x, edgeGamma.x) * edge(d.y, edgeWidth.y, edgeCurve.y, edgeGamma.y)
            * edge(d.z, edgeWidth.z, edgeCurve.z, edgeGamma.z) * edge(d.w, edgeWidth.w, edgeCurve.w, edgeGamma.w);
    bool overlap = any(lessThan(d, edgeWidth));
    col = overlap ? col * k : uplift + col * (1.0 - uplift);
    for (int m = 0; m < 4; m++) {
        if (maskCount[m] < 3) continue;
        float f = max(maskFeather[m], 1e-4);
        col *= smoothstep(-f, 0.0, sdPolygon(16 * m, maskCount[m], shown));
    }
    fragColor = vec4(mix(col * gain.rgb * gain.a, vec3(0.24, 0.96, 1.0), ring), 1.0);
}

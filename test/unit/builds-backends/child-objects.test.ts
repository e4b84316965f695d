import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  attemptObjectName,
  childLabelSelector,
  childLabels,
  componentObjectName,
  shortenName,
} from "../../../src/builds/child-objects.js";
import { DNS_LABEL_LIKE } from "./fixtures.js";

const objectName = fc.stringMatching(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/);
const componentName = fc.stringMatching(/^[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?$/);
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

describe("child object names", () => {
  it("keeps short names readable", () => {
    expect(attemptObjectName("okd-4-17", "cli", 1)).toBe("okd-4-17-cli-1");
    expect(componentObjectName("okd-4-17", "cli")).toBe("okd-4-17-cli");
  });

  it("are valid, at most 63 characters, deterministic and end in the attempt", () => {
    fc.assert(
      fc.property(
        objectName,
        componentName,
        fc.integer({ min: 1, max: 100 }),
        (payload, component, attempt) => {
          const name = attemptObjectName(payload, component, attempt);
          expect(name.length).toBeLessThanOrEqual(63);
          expect(name).toMatch(DNS_LABEL_LIKE);
          expect(name.endsWith(`-${attempt}`)).toBe(true);
          expect(attemptObjectName(payload, component, attempt)).toBe(name);
          const config = componentObjectName(payload, component);
          expect(config.length).toBeLessThanOrEqual(63);
          expect(config).toMatch(DNS_LABEL_LIKE);
        },
      ),
    );
  });

  it("stay distinct for long names that share a prefix", () => {
    const payload = `p${"a".repeat(198)}z`;
    const names = new Set(
      ["cli", "cli-artifacts", "console", "console-operator"].map((c) => attemptObjectName(payload, c, 1)),
    );
    expect(names.size).toBe(4);
    expect(shortenName(`${"a".repeat(100)}b`)).not.toBe(shortenName(`${"a".repeat(100)}c`));
  });

  it("label values are valid and the selector matches them", () => {
    fc.assert(
      fc.property(objectName, componentName, (payload, component) => {
        const labels = childLabels(payload, component, 2);
        for (const value of Object.values(labels)) {
          expect(value.length).toBeLessThanOrEqual(63);
          expect(value).toMatch(LABEL_VALUE);
        }
        const selector = childLabelSelector(payload, component);
        for (const term of selector.split(",")) {
          const [key, value] = term.split("=");
          expect(labels[key ?? ""]).toBe(value);
        }
      }),
    );
  });
});

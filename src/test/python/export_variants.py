#!/usr/bin/env python3
"""Exports the benchmark's other forms of one float32 TorchScript model, and its float32 outputs.

Run with Debian's PyTorch 1.13 at benchmark time (jobs/bench), never committed:
  /usr/bin/python3 src/test/python/export_variants.py --model mlp --fp32 jobs/models/tutorial_mlp.pt \
      --data target/bench/data/mlp.f32 --out-dir target/bench/models

Writes, beside each other in --out-dir:
  <model>.onnx              torch.onnx.export of the same weights (opset 13, dynamic batch axis)
  <model>_int8_dynamic.pt   mlp: torch.quantization.quantize_dynamic(Linear -> qint8), scripted
  <model>_int8_static.pt    resnet18: torchvision's quantizable ResNet-18 with the same weights,
                            fused, calibrated on the first 32 images of --data, converted, traced.
                            Debian's PyTorch has no FBGEMM (supported engines: qnnpack, onednn), so
                            the x86 engine it has, oneDNN, calibrates and packs; libtorch 2.7
                            repacks the int8 weights for its own engine when it loads the file.
  <model>.ref.f32           PyTorch's float32 outputs for the first --reference-rows rows of
                            --data (little-endian float32, row-major): the truth each variant's
                            accuracy is measured against.
"""
import argparse
import os
import sys

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_resnet18 import FlatResNet18  # noqa: E402
from make_fixtures import TutorialMlp  # noqa: E402


class FlatQuantResNet18(nn.Module):
    """torchvision's quantizable ResNet-18 over flat rows, as FlatResNet18 takes them."""

    def __init__(self):
        super().__init__()
        import torchvision.models.quantization as quantization
        self.resnet = quantization.resnet18(weights=None, quantize=False)

    def forward(self, x):
        return self.resnet(x.view(-1, 3, 224, 224))


def rows(data, width, count):
    values = np.fromfile(data, dtype="<f4", count=count * width)
    return torch.from_numpy(values.reshape(-1, width).copy())


def float_model(name, fp32_path):
    """The eager float32 module with the TorchScript file's weights."""
    model = TutorialMlp() if name == "mlp" else FlatResNet18()
    model.load_state_dict(torch.jit.load(fp32_path).state_dict())
    return model.eval()


def static_int8(model, calibration):
    torch.backends.quantized.engine = "onednn"
    quantized = FlatQuantResNet18().eval()
    quantized.load_state_dict(model.state_dict(), strict=False)
    quantized.resnet.fuse_model()
    quantized.resnet.qconfig = torch.quantization.get_default_qconfig("onednn")
    torch.quantization.prepare(quantized.resnet, inplace=True)
    with torch.no_grad():
        quantized(calibration)
    torch.quantization.convert(quantized.resnet, inplace=True)
    return quantized


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True, choices=["mlp", "resnet18"])
    parser.add_argument("--fp32", required=True, help="the float32 TorchScript file")
    parser.add_argument("--data", required=True, help="the benchmark's rows, little-endian float32")
    parser.add_argument("--out-dir", required=True)
    parser.add_argument("--reference-rows", type=int, default=256)
    args = parser.parse_args()
    torch.manual_seed(0)
    width = 10 if args.model == "mlp" else 3 * 224 * 224
    os.makedirs(args.out_dir, exist_ok=True)
    out = lambda suffix: os.path.join(args.out_dir, args.model + suffix)  # noqa: E731
    model = float_model(args.model, args.fp32)
    x = rows(args.data, width, args.reference_rows)
    with torch.no_grad():
        model(x).numpy().astype("<f4").tofile(out(".ref.f32"))
        torch.onnx.export(
            model, x[:2], out(".onnx"), input_names=["x"], output_names=["output"], opset_version=13,
            dynamic_axes={"x": {0: "batch"}, "output": {0: "batch"}})
        if args.model == "mlp":
            quantized = torch.quantization.quantize_dynamic(model, {nn.Linear}, dtype=torch.qint8)
            torch.jit.script(quantized).save(out("_int8_dynamic.pt"))
        else:
            quantized = static_int8(model, rows(args.data, width, 32))
            torch.jit.trace(quantized, x[:2]).save(out("_int8_static.pt"))
    for suffix in (".ref.f32", ".onnx", "_int8_dynamic.pt", "_int8_static.pt"):
        if os.path.exists(out(suffix)):
            print(f"wrote {out(suffix)} ({os.path.getsize(out(suffix)) / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()

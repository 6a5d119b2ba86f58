#!/usr/bin/env python3
"""Exports the TorchScript fixtures and PyTorch's own outputs for them (the tests' golden truth).

Run with Debian's PyTorch: /usr/bin/python3 src/test/python/make_fixtures.py
Writes small files under src/test/resources/fixtures/ and the demo model under jobs/models/.
Each fixture is a model file plus a JSON-lines table whose `expected` column is what the model
returns in PyTorch (eval mode, no_grad) for that row's inputs.
"""
import argparse
import json
import os

from typing import Dict, Tuple

import torch
import torch.nn as nn


class TutorialMlp(nn.Module):
    """The tutorial's SimpleModel: Linear(10, 5) -> ReLU -> Linear(5, 1), output [B, 1]."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(10, 5)
        self.relu = nn.ReLU()
        self.fc2 = nn.Linear(5, 1)

    def forward(self, x):
        return self.fc2(self.relu(self.fc1(x)))


class VectorMlp(nn.Module):
    """Linear(10, 8) -> ReLU -> Linear(8, 3): a vector output [B, 3]."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(10, 8)
        self.fc2 = nn.Linear(8, 3)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))


class ColumnsModel(nn.Module):
    """Linear(4, 1) squeezed to [B]: scores four separate numeric columns."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 1)

    def forward(self, x):
        return self.fc(x).squeeze(1)


class IdEmbedding(nn.Module):
    """Sums embeddings of four int64 ids per row: [B, 4] int64 -> [B, 2]."""

    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(50, 2)

    def forward(self, ids):
        return self.emb(ids).sum(dim=1)


class TwoInputs(nn.Module):
    """forward(x [B, 3], y [B, 2]) -> [B]: needs both inputs."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(5, 1)

    def forward(self, x, y):
        return self.fc(torch.cat([x, y], dim=1)).squeeze(1)


class TupleOutputs(nn.Module):
    """[B, 10] -> (scores [B, 3], value [B])."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(10, 4)

    def forward(self, x) -> Tuple[torch.Tensor, torch.Tensor]:
        y = self.fc(x)
        return y[:, :3], y[:, 3]


class DictOutputs(nn.Module):
    """[B, 10] -> {"logits": [B, 4], "score": [B]}."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(10, 5)

    def forward(self, x) -> Dict[str, torch.Tensor]:
        y = self.fc(x)
        return {"logits": y[:, :4], "score": y[:, 4]}


class LogitsOnly(nn.Module):
    """A classifier: the dict model's logits alone, [B, 10] -> [B, 4]."""

    def __init__(self, inner):
        super().__init__()
        self.inner = inner

    def forward(self, x):
        return self.inner(x)["logits"]


class ConvNet(nn.Module):
    """[B, 1, 4, 4] -> [B, 2]: a rank-4 input."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 2, kernel_size=3)
        self.fc = nn.Linear(8, 2)

    def forward(self, x):
        return self.fc(torch.relu(self.conv(x)).flatten(1))


class QuantConvNet(nn.Module):
    """[B, 1, 6, 6] -> [B, 3], statically quantized: int8 from QuantStub to DeQuantStub."""

    def __init__(self):
        super().__init__()
        self.quant = torch.quantization.QuantStub()
        self.conv = nn.Conv2d(1, 4, kernel_size=3)
        self.relu = nn.ReLU()
        self.fc = nn.Linear(64, 3)
        self.dequant = torch.quantization.DeQuantStub()

    def forward(self, x):
        x = self.relu(self.conv(self.quant(x)))
        return self.dequant(self.fc(torch.flatten(x, 1)))


class Flatten(nn.Module):
    """Returns its image input flattened per row: shows exactly what the model received."""

    def forward(self, x):
        return x.flatten(1)


class TinyImageClassifier(nn.Module):
    """[B, 3, H, W] -> probabilities over 10 classes: 4x4 average pooling, Linear(48, 10), softmax."""

    def __init__(self):
        super().__init__()
        self.pool = nn.AdaptiveAvgPool2d(4)
        self.fc = nn.Linear(48, 10)

    def forward(self, x):
        return torch.softmax(self.fc(self.pool(x).flatten(1)), dim=1)


def export(model, path):
    scripted = torch.jit.script(model.eval())
    scripted.save(path)
    return scripted


def predict(model, x):
    with torch.no_grad():
        return model(x)


def write_rows(path, rows):
    with open(path, "w") as out:
        for row in rows:
            out.write(json.dumps(row) + "\n")


def array_fixture(out_dir, name, model, rows, width):
    scripted = export(model, os.path.join(out_dir, name + ".pt"))
    x = torch.randn(rows, width, dtype=torch.float32)
    y = predict(scripted, x)
    if y.dim() == 2 and y.shape[1] == 1:
        y = y.squeeze(1)
    write_rows(
        os.path.join(out_dir, name + ".jsonl"),
        [{"id": i, "features": x[i].tolist(), "expected": y[i].tolist()} for i in range(rows)],
    )


def columns_fixture(out_dir, rows):
    scripted = export(ColumnsModel(), os.path.join(out_dir, "columns_model.pt"))
    a = torch.randint(-50, 50, (rows,))
    b = torch.randint(-20, 20, (rows,))
    c = torch.randn(rows, dtype=torch.float32)
    d = torch.randn(rows, dtype=torch.float64)
    x = torch.stack([a.float(), b.float(), c, d.float()], dim=1)
    y = predict(scripted, x)
    write_rows(
        os.path.join(out_dir, "columns_model.jsonl"),
        [
            {"id": i, "a": int(a[i]), "b": int(b[i]), "c": float(c[i]), "d": float(d[i]),
             "expected": float(y[i])}
            for i in range(rows)
        ],
    )


def int_fixture(out_dir, rows):
    scripted = export(IdEmbedding(), os.path.join(out_dir, "id_embedding.pt"))
    ids = torch.randint(0, 50, (rows, 4), dtype=torch.int64)
    y = predict(scripted, ids)
    write_rows(
        os.path.join(out_dir, "id_embedding.jsonl"),
        [{"id": i, "ids": ids[i].tolist(), "expected": y[i].tolist()} for i in range(rows)],
    )


def two_inputs_fixture(out_dir, rows):
    scripted = export(TwoInputs(), os.path.join(out_dir, "two_inputs.pt"))
    x = torch.randn(rows, 3)
    y = torch.randn(rows, 2)
    with torch.no_grad():
        out = scripted(x, y)
    write_rows(
        os.path.join(out_dir, "two_inputs.jsonl"),
        [
            {"id": i, "x": x[i].tolist(), "y0": float(y[i, 0]), "y1": float(y[i, 1]),
             "expected": float(out[i])}
            for i in range(rows)
        ],
    )


def multi_output_fixture(out_dir, rows):
    x = torch.randn(rows, 10)
    tup = export(TupleOutputs(), os.path.join(out_dir, "tuple_outputs.pt"))
    dict_model = DictOutputs()
    dic = export(dict_model, os.path.join(out_dir, "dict_outputs.pt"))
    export(LogitsOnly(dict_model), os.path.join(out_dir, "classifier.pt"))
    with torch.no_grad():
        scores, value = tup(x)
        d = dic(x)
    probs = torch.softmax(d["logits"], dim=1)
    top2 = torch.topk(d["logits"], 2, dim=1)
    write_rows(
        os.path.join(out_dir, "multi_outputs.jsonl"),
        [
            {
                "id": i,
                "features": x[i].tolist(),
                "tuple_scores": scores[i].tolist(),
                "tuple_value": float(value[i]),
                "dict_logits": d["logits"][i].tolist(),
                "dict_score": float(d["score"][i]),
                "softmax": probs[i].tolist(),
                "argmax": int(torch.argmax(d["logits"][i])),
                "top2_index": top2.indices[i].tolist(),
                "top2_score": top2.values[i].tolist(),
            }
            for i in range(rows)
        ],
    )


def conv_fixture(out_dir, rows):
    scripted = export(ConvNet(), os.path.join(out_dir, "conv_net.pt"))
    x = torch.randn(rows, 1, 4, 4)
    y = predict(scripted, x)
    write_rows(
        os.path.join(out_dir, "conv_net.jsonl"),
        [{"id": i, "pixels": x[i].flatten().tolist(), "expected": y[i].tolist()} for i in range(rows)],
    )


def image_fixture(out_dir):
    """Small PNG and JPEG files and torchvision's preprocessing of them (Resize(64), CenterCrop(56))."""
    from PIL import Image
    from torchvision import transforms

    export(Flatten(), os.path.join(out_dir, "flatten.pt"))
    image_dir = os.path.join(out_dir, "images")
    os.makedirs(image_dir, exist_ok=True)
    preprocess = transforms.Compose([
        transforms.Resize(64),
        transforms.CenterCrop(56),
        transforms.ToTensor(),
        transforms.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225]),
    ])
    rows = []
    sizes = [(120, 90), (75, 130), (64, 64), (201, 157)]
    for i, (w, h) in enumerate(sizes):
        # Smooth gradients plus a little noise: like a photo, not like random pixels.
        yy, xx = torch.meshgrid(torch.linspace(0, 1, h), torch.linspace(0, 1, w), indexing="ij")
        rgb = torch.stack([xx, yy, (xx + yy) / 2], dim=2) * 200 + torch.rand(h, w, 3) * 55
        image = Image.fromarray(rgb.clamp(0, 255).to(torch.uint8).numpy(), "RGB")
        name = "image_%d.%s" % (i, "png" if i % 2 == 0 else "jpg")
        path = os.path.join(image_dir, name)
        image.save(path, quality=95) if name.endswith("jpg") else image.save(path)
        expected = preprocess(Image.open(path).convert("RGB")).flatten()
        rows.append({"name": name, "expected": expected.tolist()})
    write_rows(os.path.join(out_dir, "images.jsonl"), rows)


IMAGE_LABELS = ["apple", "bicycle", "cloud", "dolphin", "elephant", "forest", "guitar", "harbor",
                "island", "jellyfish"]


def image_classifier_fixture(out_dir):
    """A classifier over the fixture images, its labels file, and torch.topk(5) of its output per
    image after torchvision's Resize(64), CenterCrop(56): the image notebook's golden top-5."""
    from PIL import Image
    from torchvision import transforms

    torch.manual_seed(16)  # a seed whose top-6 scores are at least 0.004 apart on every image
    scripted = export(TinyImageClassifier(), os.path.join(out_dir, "image_classifier.pt"))
    with open(os.path.join(out_dir, "image_labels.txt"), "w") as out:
        out.write("\n".join(IMAGE_LABELS) + "\n")
    preprocess = transforms.Compose([
        transforms.Resize(64),
        transforms.CenterCrop(56),
        transforms.ToTensor(),
        transforms.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225]),
    ])
    rows = []
    image_dir = os.path.join(out_dir, "images")
    for name in sorted(os.listdir(image_dir)):
        x = preprocess(Image.open(os.path.join(image_dir, name)).convert("RGB")).unsqueeze(0)
        probabilities = predict(scripted, x)[0]
        top = torch.topk(probabilities, 6)
        # Java's image decoding differs from PIL's by a few 8-bit levels: ranks must not hinge on it.
        gaps = top.values[:-1] - top.values[1:]
        assert float(gaps.min()) > 0.004, "top-5 too close to rank reliably: %s" % top.values
        rows.append({
            "name": name,
            "top5_index": top.indices[:5].tolist(),
            "top5_label": [IMAGE_LABELS[i] for i in top.indices[:5].tolist()],
            "top5_score": top.values[:5].tolist(),
        })
    write_rows(os.path.join(out_dir, "image_classifier.jsonl"), rows)


def precision_fixtures(out_dir, rows):
    """Reduced-precision exports. PyTorch 1.13 cannot run half-precision Linear on a CPU, so the
    goldens are the float32 model's outputs, which fp16 scoring must match within a tolerance;
    vector_mlp_half.pt is PyTorch's own .half() of vector_mlp.pt, for the exact cast check."""
    model = VectorMlp().eval()
    x = torch.randn(rows, 10, dtype=torch.float32)
    y = predict(model, x)
    write_rows(
        os.path.join(out_dir, "fp16_mlp.jsonl"),
        [{"id": i, "features": x[i].tolist(), "expected": y[i].tolist()} for i in range(rows)],
    )
    torch.jit.script(model.half()).save(os.path.join(out_dir, "fp16_mlp.pt"))
    torch.jit.script(TutorialMlp().eval().bfloat16()).save(os.path.join(out_dir, "bf16_mlp.pt"))
    torch.jit.load(os.path.join(out_dir, "vector_mlp.pt")).half().save(
        os.path.join(out_dir, "vector_mlp_half.pt"))


def dynamic_int8_fixture(out_dir, rows):
    """An MLP whose Linear layers run in int8 (quantize_dynamic). Dynamic quantization scales each
    batch's activations by that batch's own range, so an output depends on its batch-mates: the
    goldens are each row scored alone (a batch of one); `expected_fp32` is the float model's."""
    model = VectorMlp().eval()
    quantized = torch.quantization.quantize_dynamic(model, {nn.Linear}, dtype=torch.qint8)
    scripted = torch.jit.script(quantized)
    scripted.save(os.path.join(out_dir, "int8_dynamic_mlp.pt"))
    x = torch.randn(rows, 10, dtype=torch.float32)
    fp32 = predict(model, x)
    write_rows(
        os.path.join(out_dir, "int8_dynamic_mlp.jsonl"),
        [
            {"id": i, "features": x[i].tolist(), "expected": predict(scripted, x[i:i + 1])[0].tolist(),
             "expected_fp32": fp32[i].tolist()}
            for i in range(rows)
        ],
    )


def static_int8_fixture(out_dir, rows):
    """A conv net statically quantized (prepare, calibrate, convert, then traced). Its activation
    scales are fixed at calibration, so outputs do not depend on the batch. Debian's PyTorch is
    built without FBGEMM, so the x86 backend it has, oneDNN, does the calibration; libtorch
    repacks the int8 weights for its own engine when it loads the file."""
    torch.backends.quantized.engine = "onednn"
    model = QuantConvNet().eval()
    model.qconfig = torch.quantization.get_default_qconfig("onednn")
    prepared = torch.quantization.prepare(model)
    with torch.no_grad():
        prepared(torch.randn(200, 1, 6, 6))
    quantized = torch.quantization.convert(prepared)
    x = torch.randn(rows, 1, 6, 6)
    traced = torch.jit.trace(quantized, x[:2])
    traced.save(os.path.join(out_dir, "int8_static_conv.pt"))
    y = predict(traced, x)
    write_rows(
        os.path.join(out_dir, "int8_static_conv.jsonl"),
        [{"id": i, "pixels": x[i].flatten().tolist(), "expected": y[i].tolist()} for i in range(rows)],
    )


def onnx_fixtures(out_dir):
    """ONNX exports (torch.onnx.export) of the TorchScript fixtures, loaded back from their .pt
    files so the weights are the same: their goldens are the .pt fixtures' own tables. The batch
    axis of every input and output is dynamic."""
    exports = [
        # name, example inputs, input names, output names
        ("tutorial_mlp", (torch.zeros(2, 10),), ["x"], ["output"]),
        ("vector_mlp", (torch.zeros(2, 10),), ["x"], ["output"]),
        ("columns_model", (torch.zeros(2, 4),), ["x"], ["output"]),
        ("id_embedding", (torch.zeros(2, 4, dtype=torch.int64),), ["ids"], ["output"]),
        ("two_inputs", (torch.zeros(2, 3), torch.zeros(2, 2)), ["x", "y"], ["output"]),
        ("tuple_outputs", (torch.zeros(2, 10),), ["x"], ["scores", "value"]),
        ("classifier", (torch.zeros(2, 10),), ["x"], ["logits"]),
        ("conv_net", (torch.zeros(2, 1, 4, 4),), ["x"], ["output"]),
        ("flatten", (torch.zeros(2, 3, 56, 56),), ["x"], ["output"]),
    ]
    for name, example, inputs, outputs in exports:
        model = torch.jit.load(os.path.join(out_dir, name + ".pt"))
        torch.onnx.export(
            model, example, os.path.join(out_dir, name + ".onnx"),
            input_names=inputs, output_names=outputs, opset_version=13,
            dynamic_axes={n: {0: "batch"} for n in inputs + outputs})


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="src/test/resources/fixtures")
    parser.add_argument("--demo-model", default="jobs/models/tutorial_mlp.pt")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.manual_seed(20261128)
    array_fixture(args.out, "tutorial_mlp", TutorialMlp(), 1000, 10)
    array_fixture(args.out, "vector_mlp", VectorMlp(), 300, 10)
    columns_fixture(args.out, 200)
    int_fixture(args.out, 100)
    two_inputs_fixture(args.out, 100)
    multi_output_fixture(args.out, 60)
    conv_fixture(args.out, 50)
    image_fixture(args.out)
    os.makedirs(os.path.dirname(args.demo_model), exist_ok=True)
    export(TutorialMlp(), args.demo_model)
    precision_fixtures(args.out, 200)
    dynamic_int8_fixture(args.out, 100)
    static_int8_fixture(args.out, 50)
    onnx_fixtures(args.out)
    # Last: it seeds the generator itself, so the fixtures above stay as they were.
    image_classifier_fixture(args.out)
    print("fixtures written to", args.out, "and", args.demo_model)


if __name__ == "__main__":
    main()

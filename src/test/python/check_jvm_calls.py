#!/usr/bin/env python3
"""Lists the JVM calls and torchscore settings in Python files, for a test to check against the jar.

PySpark cannot be installed on the build machine, so the Python module and the Python notebooks
are checked without running them: this script parses them (ast, no imports) and prints one
tab-separated line per finding, which JvmCallsTest checks by Java reflection and against ConfKeys:

    jvm  static    io.torchscore.spark.TorchScorer    builder/0                 file:line
    jvm  instance  io.torchscore.spark.ScoreResult    metrics/0 rows/0          file:line
    jvm  static    io.torchscore.spark.TorchScoreTransformer  <init>/1 setOption/2  file:line
    setting        spark.torchscore.batch.size                                  file:line

A JVM call is a chain of calls rooted at the gateway (``_jvm(...)``, ``x._jvm``, a name ``jvm``)
through a dotted class name (``<init>`` when the chain starts by calling the class itself), or
at a name or attribute whose annotation is a Java class name
(``self._java: "io.torchscore.spark.TorchScorer" = ...``). Settings are the literal keys given to
``option(key, value)``, ``setOption(key, value)``, ``options(batch_size=...)``/``builder(...)`` keywords and
``spark.conf.set(key, value)``, on JVM objects and (with --api) on the module's classes.

With ``--api MODULE``, calls on the module's classes (``TorchScorer.builder().modelPath(p)...``)
are also checked here against its methods' names, arities and return annotations; a mismatch is
printed as an ``error`` line and the exit status is 1.

Usage: check_jvm_calls.py [--api torchscore.py] FILE...
"""
import argparse
import ast
import sys

PREFIX = "spark.torchscore."


def is_gateway(node):
    """Whether an expression is the Py4J JVM view."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_jvm":
        return True
    if isinstance(node, ast.Attribute) and node.attr == "_jvm":
        return True
    return isinstance(node, ast.Name) and node.id == "jvm"


def target_text(node):
    """Returns 'name' or 'self.attr' for an annotated target, else None."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return node.value.id + "." + node.attr
    return None


def java_annotation(node):
    """Returns the Java class an annotation names ('io.x.Y' as a string), else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and "." in node.value:
        return node.value
    return None


def unwind(call):
    """Splits a call chain r.a(x).b(y) into (r, [("a", call), ("b", call)])."""
    links = []
    node = call
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        links.insert(0, (node.func.attr, node))
        node = node.func.value
    return node, links


def gateway_class(node):
    """Returns 'io.x.Y' for an expression <gateway>.io.x.Y, else None."""
    names = []
    while isinstance(node, ast.Attribute) and not is_gateway(node):
        names.insert(0, node.attr)
        node = node.value
    return ".".join(names) if names and is_gateway(node) else None


def literal(node):
    """Returns a string constant's value, else None."""
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def setting_line(key, where):
    """Returns the line naming a setting key, given with or without the prefix."""
    return "setting\t%s\t%s" % (key if key.startswith(PREFIX) else PREFIX + key, where)


def arity(call):
    """Returns the positional argument count, or None when *args makes it unknowable."""
    if any(isinstance(arg, ast.Starred) for arg in call.args):
        return None
    return len(call.args)


class Finder(ast.NodeVisitor):
    """Collects JVM call chains and setting keys, tracking annotated Java names per scope."""

    def __init__(self, path):
        self.path = path
        self.scopes = [{}]
        self.classes = []
        self.lines = []
        self.seen = set()

    def where(self, node):
        return "%s:%d" % (self.path, node.lineno)

    def java_type(self, text):
        for scope in reversed(self.scopes):
            if text in scope:
                return scope[text]
        if self.classes and text in self.classes[-1]:
            return self.classes[-1][text]
        return None

    def visit_ClassDef(self, node):
        # Attributes annotated in any method (self._java: "...") hold for the whole class.
        attributes = {}
        for child in ast.walk(node):
            if isinstance(child, ast.AnnAssign):
                text = target_text(child.target)
                java = java_annotation(child.annotation)
                if text and text.startswith("self.") and java:
                    attributes[text] = java
        self.classes.append(attributes)
        self.generic_visit(node)
        self.classes.pop()

    def visit_FunctionDef(self, node):
        self.scopes.append({})
        self.generic_visit(node)
        self.scopes.pop()

    def visit_AnnAssign(self, node):
        text = target_text(node.target)
        java = java_annotation(node.annotation)
        if text and java and not text.startswith("self."):
            self.scopes[-1][text] = java
        self.generic_visit(node)

    def visit_Call(self, node):
        self.settings(node)
        root, links = unwind(node)
        if links and id(node) not in self.seen:
            for _, call in links:
                self.seen.add(id(call))
            self.chain(root, links, node)
        self.generic_visit(node)

    def chain(self, root, links, node):
        owner, kind = gateway_class(root), "static"
        if owner is None:
            owner, kind = self.java_type(target_text(root) or ""), "instance"
        if owner is None:
            return
        calls = ["%s/%s" % (name, "?" if arity(call) is None else arity(call)) for name, call in links]
        if kind == "static" and links[0][0][:1].isupper():
            # <gateway>.io.x.Y(args) calls Y's constructor.
            owner = owner + "." + links[0][0]
            calls[0] = "<init>" + calls[0][len(links[0][0]):]
        self.lines.append("jvm\t%s\t%s\t%s\t%s" % (kind, owner, " ".join(calls), self.where(node)))
        for name, call in links:
            key = literal(call.args[0]) if name in ("option", "setOption") and call.args else None
            if key is not None:
                self.lines.append(setting_line(key, self.where(call)))

    def settings(self, node):
        """Notes the key of spark.conf.set("spark.torchscore.<key>", value)."""
        func = node.func
        if (isinstance(func, ast.Attribute) and func.attr == "set" and isinstance(func.value, ast.Attribute)
                and func.value.attr == "conf"):
            key = literal(node.args[0]) if node.args else None
            if key is not None and key.startswith(PREFIX):
                self.lines.append(setting_line(key, self.where(node)))


class Api:
    """The torchscore module's classes: each method's arity range and return annotation."""

    def __init__(self, path):
        with open(path) as source:
            tree = ast.parse(source.read(), path)
        self.classes = {}
        for node in tree.body:
            if isinstance(node, ast.ClassDef):
                methods = {}
                for item in node.body:
                    if isinstance(item, ast.FunctionDef) and not item.name.startswith("_"):
                        methods[item.name] = self.signature(item)
                self.classes[node.name] = methods

    @staticmethod
    def signature(func):
        args = func.args
        params = [a.arg for a in args.posonlyargs + args.args]
        static = any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in func.decorator_list)
        if not static and params and params[0] == "self":
            params = params[1:]
        required = len(params) - len(args.defaults)
        returns = func.returns.value if isinstance(func.returns, ast.Constant) else None
        return {
            "params": params,
            "required": required,
            "varargs": args.vararg is not None,
            "kwargs": args.kwarg is not None,
            "returns": returns,
        }

    def check_call(self, owner, name, call):
        """Returns (error or None, the class the call returns or None)."""
        methods = self.classes[owner]
        if name not in methods:
            return "%s has no method %s" % (owner, name), None
        sig = methods[name]
        positional = arity(call)
        keywords = [k.arg for k in call.keywords]
        if positional is not None:
            if positional > len(sig["params"]) and not sig["varargs"]:
                return "%s.%s takes at most %d arguments, got %d" % (
                    owner, name, len(sig["params"]), positional), None
            named = sig["params"][positional:]
            missing = [p for p in sig["params"][:sig["required"]][positional:] if p not in keywords]
            if missing:
                return "%s.%s is missing %s" % (owner, name, ", ".join(missing)), None
            unknown = [k for k in keywords if k is not None and k not in named]
            if unknown and not sig["kwargs"]:
                return "%s.%s has no parameter %s" % (owner, name, ", ".join(unknown)), None
        returns = sig["returns"]
        return None, returns if returns in self.classes else None


class ApiChecker(ast.NodeVisitor):
    """Checks calls on names imported from torchscore, following assignments in order."""

    def __init__(self, api, path):
        self.api = api
        self.path = path
        self.types = {}
        self.errors = []
        self.checked = []
        self.seen = set()

    def visit_ClassDef(self, node):
        # Inside the module itself, self is an instance of the class being defined.
        outer = self.types.get("self")
        if node.name in self.api.classes:
            self.types["self"] = ("object", node.name)
        self.generic_visit(node)
        if outer is None:
            self.types.pop("self", None)
        else:
            self.types["self"] = outer

    def visit_ImportFrom(self, node):
        if node.module == "torchscore":
            for alias in node.names:
                if alias.name in self.api.classes:
                    self.types[alias.asname or alias.name] = ("class", alias.name)
                else:
                    self.errors.append("%s:%d: torchscore has no %s" % (self.path, node.lineno, alias.name))

    def visit_Assign(self, node):
        kind = self.type_of(node.value)
        self.generic_visit(node)
        for target in node.targets:
            if isinstance(target, ast.Name):
                if kind is None:
                    self.types.pop(target.id, None)
                else:
                    self.types[target.id] = ("object", kind)

    def visit_Call(self, node):
        if id(node) not in self.seen:
            self.type_of(node)
        self.generic_visit(node)

    def type_of(self, node):
        """Checks a call chain on a torchscore name; returns the class it evaluates to, if known."""
        if isinstance(node, ast.Name):
            found = self.types.get(node.id)
            return found[1] if found else None
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            return None
        self.seen.add(id(node))
        owner = self.type_of(node.func.value)
        if owner is None:
            return None
        error, returns = self.api.check_call(owner, node.func.attr, node)
        where = "%s:%d" % (self.path, node.lineno)
        if error:
            self.errors.append("%s: %s" % (where, error))
            return None
        self.checked.append("python\t%s\t%s\t%s" % (owner, node.func.attr, where))
        self.settings(node, where)
        return returns

    def settings(self, node, where):
        """Notes the literal keys of option(key, value) and of options()/builder() keywords."""
        name = node.func.attr
        key = literal(node.args[0]) if name in ("option", "setOption") and node.args else None
        if key is not None:
            self.checked.append(setting_line(key, where))
        if name in ("options", "builder"):
            for keyword in node.keywords:
                if keyword.arg is not None:
                    self.checked.append(setting_line(keyword.arg.replace("_", "."), where))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--api", help="the torchscore module, to check calls on its classes")
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    api = Api(args.api) if args.api else None
    errors = []
    for path in args.files:
        with open(path) as source:
            tree = ast.parse(source.read(), path)
        finder = Finder(path)
        finder.visit(tree)
        for line in finder.lines:
            print(line)
        if api:
            checker = ApiChecker(api, path)
            checker.visit(tree)
            for line in checker.checked:
                print(line)
            errors.extend(checker.errors)
    for error in errors:
        print("error\t" + error)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

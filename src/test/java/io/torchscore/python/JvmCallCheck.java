package io.torchscore.python;

import io.torchscore.config.ConfKeys;
import io.torchscore.config.Setting;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Runs src/test/python/check_jvm_calls.py over Python files (PySpark cannot run here) and checks
 * what it lists: each JVM class exists and is public, each call in a chain is a public method (or,
 * for {@code <init>}, a public constructor) of that name and argument count on the class the
 * previous call returned, and each
 * {@code spark.torchscore.*} key is a declared setting.
 */
public final class JvmCallCheck {

  /** The PySpark module's source. */
  public static final String MODULE = "src/main/python/torchscore.py";

  /** What the script printed, one finding a line, and what this check found wrong with it. */
  public record Report(List<String> lines, List<String> problems) {

    /** Returns the JVM call chains found. */
    public List<String> jvmCalls() {
      return lines.stream().filter(l -> l.startsWith("jvm\t")).toList();
    }

    /** Returns the setting keys found. */
    public List<String> settings() {
      return lines.stream().filter(l -> l.startsWith("setting\t")).map(l -> l.split("\t")[1]).toList();
    }

    /** Returns the calls on the module's classes that were checked. */
    public List<String> pythonCalls() {
      return lines.stream().filter(l -> l.startsWith("python\t")).toList();
    }
  }

  private JvmCallCheck() {}

  /** Parses the files (calls on the module's classes checked against the module) and checks them. */
  public static Report run(String... files) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("python3", "src/test/python/check_jvm_calls.py", "--api", MODULE));
    command.addAll(Arrays.asList(files));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("check_jvm_calls.py did not finish in 60 s");
    }
    List<String> lines = out.lines().toList();
    List<String> problems = new ArrayList<>();
    for (String line : lines) {
      String[] fields = line.split("\t");
      switch (fields[0]) {
        case "jvm" -> checkCall(fields, problems);
        case "setting" -> checkSetting(fields, problems);
        case "python" -> { }
        default -> problems.add(line);
      }
    }
    if (process.exitValue() != 0 && problems.isEmpty()) {
      problems.add("check_jvm_calls.py exited with " + process.exitValue() + ":\n" + out);
    }
    return new Report(lines, problems);
  }

  private static void checkSetting(String[] fields, List<String> problems) {
    Set<String> keys = ConfKeys.all().stream().map(Setting::key).collect(Collectors.toSet());
    if (!keys.contains(fields[1]) && !fields[1].startsWith(ConfKeys.INPUT_OPTION_PREFIX)) {
      problems.add(fields[2] + ": " + fields[1] + " is not a torchscore setting");
    }
  }

  private static void checkCall(String[] fields, List<String> problems) {
    boolean isStatic = fields[1].equals("static");
    String where = fields[4] + ": ";
    Class<?> owner;
    try {
      owner = Class.forName(fields[2], false, JvmCallCheck.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      problems.add(where + "no class " + fields[2]);
      return;
    }
    if (!Modifier.isPublic(owner.getModifiers())) {
      problems.add(where + owner.getName() + " is not public");
      return;
    }
    for (String call : fields[3].split(" ")) {
      String name = call.substring(0, call.indexOf('/'));
      String count = call.substring(call.indexOf('/') + 1);
      boolean staticCall = isStatic;
      Class<?> receiver = owner;
      if (name.equals("<init>")) {
        if (Arrays.stream(receiver.getConstructors()).noneMatch(c -> c.getParameterCount() == Integer.parseInt(count))) {
          problems.add(where + receiver.getName() + " has no public constructor taking " + count + " arguments");
          return;
        }
        isStatic = false;
        continue;
      }
      List<Method> matches =
          Arrays.stream(receiver.getMethods())
              .filter(m -> m.getName().equals(name))
              .filter(m -> count.equals("?") || m.getParameterCount() == Integer.parseInt(count))
              .filter(m -> !staticCall || Modifier.isStatic(m.getModifiers()))
              .toList();
      if (matches.isEmpty()) {
        problems.add(
            where + receiver.getName() + " has no public " + (staticCall ? "static " : "")
                + "method " + name + " taking " + count + " arguments");
        return;
      }
      Set<Class<?>> returns = matches.stream().map(Method::getReturnType).collect(Collectors.toSet());
      if (returns.size() != 1) {
        problems.add(where + receiver.getName() + "." + name + " is overloaded with other return types");
        return;
      }
      owner = returns.iterator().next();
      isStatic = false;
    }
  }
}

package io.torchscore.sparkinternal;

import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;
import scala.collection.immutable.Nil$;

/**
 * Scala sequences across Scala 2.12 and 2.13, whose {@code Seq} is a different class: a Scala
 * method that returns one is called by name, and what it returns is walked as an
 * {@code Iterable}; a sequence handed to Scala is an immutable {@code List}, a {@code Seq} in both.
 */
final class ScalaSeqs {

  private ScalaSeqs() {}

  /** Returns the elements of the sequence that {@code target.method()} returns. */
  static <T> List<T> call(Object target, String method) {
    try {
      return elements(target.getClass().getMethod(method).invoke(target));
    } catch (InvocationTargetException e) {
      throw new IllegalStateException("Cannot call " + method + " on " + target.getClass().getName(), e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("Cannot call " + method + " on " + target.getClass().getName(), e);
    }
  }

  /** Returns the elements of a Scala collection. */
  @SuppressWarnings("unchecked")
  static <T> List<T> elements(Object iterable) {
    List<T> elements = new ArrayList<>();
    scala.collection.Iterator<Object> iterator = ((scala.collection.Iterable<Object>) iterable).iterator();
    while (iterator.hasNext()) {
      elements.add((T) iterator.next());
    }
    return elements;
  }

  /** Returns the elements as a Scala immutable list. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static <T> scala.collection.immutable.List<T> list(List<T> elements) {
    scala.collection.immutable.List list = Nil$.MODULE$;
    for (int i = elements.size() - 1; i >= 0; i--) {
      list = list.$colon$colon(elements.get(i));
    }
    return list;
  }
}

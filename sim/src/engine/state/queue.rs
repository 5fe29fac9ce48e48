//! A queue of open work kept sorted in one ring buffer, smallest first.
//!
//! Reviews mostly join their queue in deadline order: children are born in order, and a review's
//! deadlines are fixed offsets from birth. So an item almost always goes on at the back and comes
//! off at the front, both in constant time, with the items side by side in memory (a binary heap
//! moves each through a dozen scattered slots). Out-of-order items (children moving in, visits
//! rebooked) are inserted in place.

use std::collections::VecDeque;

/// Items in ascending order; `pop` takes the smallest, as a min-heap would.
#[derive(Debug, Clone)]
pub(in crate::engine) struct Queue<T>(VecDeque<T>);

impl<T> Default for Queue<T> {
    fn default() -> Self {
        Queue(VecDeque::new())
    }
}

impl<T: Ord> Queue<T> {
    /// Adds `item` in its place: after every smaller item, before every larger one.
    pub fn push(&mut self, item: T) {
        match self.0.back() {
            Some(last) if item < *last => {
                let at = self.0.partition_point(|x| *x < item);
                self.0.insert(at, item);
            }
            _ => self.0.push_back(item),
        }
    }

    /// The smallest item.
    pub fn peek(&self) -> Option<&T> {
        self.0.front()
    }

    /// Takes the smallest item.
    pub fn pop(&mut self) -> Option<T> {
        self.0.pop_front()
    }
}

#[cfg(test)]
mod tests {
    use super::Queue;
    use proptest::prelude::*;
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;

    proptest! {
        /// Any mix of pushes (in order or not) and pops gives what a min-heap gives.
        #[test]
        fn pops_as_a_min_heap_does(ops in prop::collection::vec(prop::option::of(0u32..50), 0..400)) {
            let (mut queue, mut heap) = (Queue::default(), BinaryHeap::new());
            for (seq, op) in ops.into_iter().enumerate() {
                match op {
                    // (key, insertion sequence), as the engine's items order themselves.
                    Some(key) => {
                        queue.push((key, seq));
                        heap.push(Reverse((key, seq)));
                    }
                    None => prop_assert_eq!(queue.pop(), heap.pop().map(|Reverse(x)| x)),
                }
                prop_assert_eq!(queue.peek(), heap.peek().map(|Reverse(x)| x));
            }
        }
    }

    #[test]
    fn items_out_of_order_go_in_their_place() {
        let mut queue = Queue::default();
        for x in [3, 5, 9, 4, 1, 9, 7] {
            queue.push(x);
        }
        let drained: Vec<i32> = std::iter::from_fn(|| queue.pop()).collect();
        assert_eq!(drained, [1, 3, 4, 5, 7, 9, 9]);
        assert_eq!(queue.peek(), None);
    }
}
